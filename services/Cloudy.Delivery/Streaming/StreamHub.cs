using System.Collections.Concurrent;
using System.Text.Json;
using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Http;
using Cloudy.Delivery.Mailbox;
using StackExchange.Redis;

namespace Cloudy.Delivery.Streaming;

/// <summary>
/// The streams open on this instance, and the subscriber of this instance's notification channel. It is a
/// hosted service so the subscription exists before Kestrel accepts the first stream.
/// </summary>
internal sealed partial class StreamHub(IConnectionMultiplexer connection, Notifier notifier, ILogger<StreamHub> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, StreamConnection> _connections = new(StringComparer.Ordinal);

    /// <summary>Streams currently open on this instance.</summary>
    public int Count => _connections.Count;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) =>
        connection.GetSubscriber().SubscribeAsync(DeliveryKeys.InstanceChannel(notifier.InstanceId), (_, message) => Dispatch(message));

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) =>
        connection.GetSubscriber().UnsubscribeAsync(DeliveryKeys.InstanceChannel(notifier.InstanceId));

    /// <summary>Makes <paramref name="stream"/> reachable by notifications.</summary>
    public void Register(StreamConnection stream) => _connections[stream.Id] = stream;

    /// <summary>Forgets <paramref name="stream"/>.</summary>
    public void Unregister(StreamConnection stream) => _connections.TryRemove(stream.Id, out _);

    private void Dispatch(RedisValue message)
    {
        Notification? notification;
        try
        {
            notification = JsonSerializer.Deserialize((byte[])message!, DeliveryJsonContext.Default.Notification);
        }
        catch (JsonException)
        {
            LogBadNotification(logger);
            return;
        }

        // A notification for a connection that already ended (replaced, closed) is simply dropped.
        if (notification is null || !_connections.TryGetValue(notification.ConnectionId, out var stream))
        {
            return;
        }

        switch (notification.Kind)
        {
            case Notifier.Mail:
                stream.Wake();
                break;
            case Notifier.Push when notification.Envelope is { } envelope:
                stream.Push(new StreamFrame(FrameTypes.Envelope, envelope));
                break;
            case Notifier.Presence when notification.Presence is { } presence:
                stream.Push(new StreamFrame(FrameTypes.Presence, Presence: presence));
                break;
            case Notifier.Close:
                stream.RequestClose((System.Net.WebSockets.WebSocketCloseStatus)(notification.CloseCode ?? StreamCloseCodes.Replaced),
                    notification.CloseCode == StreamCloseCodes.DeviceRemoved ? "device removed" : "replaced by a newer connection");
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed delivery notification")]
    private static partial void LogBadNotification(ILogger logger);
}
