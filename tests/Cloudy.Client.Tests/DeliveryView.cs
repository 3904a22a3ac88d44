using System.Net;
using Cloudy.Client.Messaging;
using Cloudy.Client.Wire;

namespace Cloudy.Client.Tests;

/// <summary>
/// Delivery learns accounts and devices from identity's events, which the embedded host's in-process bus hands over
/// asynchronously: right after a registration or a link, delivery may not know the account yet (a send gets 404) or
/// the device (a send to it is refused as extra, and the messenger drops it). On a busy box that moment can be long,
/// so tests wait here, through the public API, until delivery's view holds the device: a send addressed to a device
/// that does not exist is refused with 404 while the account is unknown, and with 409 naming the registered devices
/// (except the prober's own, when it probes its own account) once it is.
/// </summary>
internal static class DeliveryView
{
    private const int NoSuchDevice = 16_000;
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    /// <summary>Waits until delivery knows <paramref name="accountId"/> and, if given, its <paramref name="device"/>.</summary>
    public static async Task WaitForDeviceAsync(Messenger prober, string accountId, int? device = null)
    {
        var deadline = DateTime.UtcNow + _timeout;
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var probe = new SendRequest([new OutgoingMessage(NoSuchDevice, null, 2, "AAAA")], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null);
            var refused = await Assert.ThrowsAsync<CloudyApiException>(() => prober.Messages.SendAsync(accountId, probe));
            if (refused.Status == HttpStatusCode.Conflict && (device is null || refused.GetIntList("missingDevices").Contains(device.Value)))
            {
                return;
            }

            Assert.True(refused.Status is HttpStatusCode.Conflict or HttpStatusCode.NotFound, $"probe of {accountId} refused with {refused.Status}");
            Assert.True(DateTime.UtcNow < deadline, $"delivery did not learn device {device?.ToString() ?? "1"} of {accountId} within {_timeout}");
            // Backing off: every probe counts against the prober's send rate limit (300 a minute).
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 1000));
            await Task.Delay(pause);
        }
    }
}
