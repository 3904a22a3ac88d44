using System.Text.Json;
using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Http;
using Cloudy.Delivery.Mailbox;
using StackExchange.Redis;

namespace Cloudy.Delivery.Streaming;

/// <summary>
/// Sends notifications to the delivery instance holding a device's stream, over that instance's pub/sub
/// channel (one channel per instance: see docs/adr/0006-delivery-notify.md). At most once by nature: a lost
/// notification only delays delivery until the next ring or reconnect, because the mailbox is the truth.
/// </summary>
internal sealed class Notifier(IConnectionMultiplexer connection)
{
    /// <summary>Kind of a "new mail" notification.</summary>
    public const string Mail = "mail";

    /// <summary>Kind of a live-only envelope.</summary>
    public const string Push = "push";

    /// <summary>Kind of a presence change for a watcher's device (live-only, like <see cref="Push"/>).</summary>
    public const string Presence = "presence";

    /// <summary>Kind of a close request.</summary>
    public const string Close = "close";

    /// <summary>This process's instance id (random per start).</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The value a connection key holds for connection <paramref name="connectionId"/> on this instance.</summary>
    public string ConnectionValue(string connectionId) => InstanceId + "|" + connectionId;

    /// <summary>Tells the holder of <paramref name="connectionValue"/> that the device has new mail.</summary>
    public Task RingAsync(string connectionValue, string account, int device) =>
        SendAsync(connectionValue, (conn) => new Notification(Mail, account, device, conn));

    /// <summary>Asks the holder of <paramref name="connectionValue"/> to close that connection with <paramref name="closeCode"/>.</summary>
    public Task CloseAsync(string connectionValue, string account, int device, int closeCode) =>
        SendAsync(connectionValue, (conn) => new Notification(Close, account, device, conn, closeCode));

    /// <summary>Pushes a live-only envelope to the holder of <paramref name="connectionValue"/>.</summary>
    public Task PushAsync(string connectionValue, string account, Envelope envelope) =>
        SendAsync(connectionValue, (conn) => new Notification(Push, account, envelope.DestinationDeviceId, conn, Envelope: envelope));

    /// <summary>Forwards a presence change to the holder of <paramref name="connectionValue"/> (a watcher's device).</summary>
    public Task PresenceAsync(string connectionValue, string account, int device, PresenceFrame presence) =>
        SendAsync(connectionValue, (conn) => new Notification(Presence, account, device, conn, Presence: presence));

    private async Task SendAsync(string connectionValue, Func<string, Notification> build)
    {
        var bar = connectionValue.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0)
        {
            return;   // no live connection
        }

        var message = JsonSerializer.SerializeToUtf8Bytes(build(connectionValue[(bar + 1)..]), DeliveryJsonContext.Default.Notification);
        await connection.GetSubscriber().PublishAsync(DeliveryKeys.InstanceChannel(connectionValue[..bar]), message).ConfigureAwait(false);
    }
}
