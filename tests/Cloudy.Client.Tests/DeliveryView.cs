using System.Net;
using Cloudy.Client;
using Cloudy.Client.Messaging;
using Cloudy.Client.Wire;

namespace Cloudy.Client.Tests;

/// <summary>
/// Delivery learns accounts and devices from identity's events, so it knows a new account or a newly linked device a
/// moment after identity does (the in-process bus in embedded mode, Kafka in platform mode; longer on a busy box or
/// right after start-up). A person exchanging links never notices; a test sending within milliseconds does: the send
/// gets 404, or the new device is refused as extra and the messenger drops it. Tests wait here, through the public
/// API: a send addressed to a device that does not exist is refused with 404 while the account is unknown, and with
/// 409 naming the registered devices (except the prober's own, when it probes its own account) once it is.
/// Shared by the client, CLI and end-to-end tests (linked into their projects).
/// </summary>
internal static class DeliveryView
{
    private const int NoSuchDevice = 16_000;
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    /// <summary>Waits until delivery knows <paramref name="accountId"/> and, if given, its <paramref name="device"/>.</summary>
    public static Task WaitForDeviceAsync(Messenger prober, string accountId, int? device = null) =>
        WaitAsync(prober, accountId, registered => device is null || registered.Contains(device.Value), $"device {device?.ToString() ?? "1"}");

    /// <summary>Waits until delivery's device list of <paramref name="accountId"/> is exactly <paramref name="devices"/>.</summary>
    public static Task WaitForDevicesAsync(Messenger prober, string accountId, IReadOnlyCollection<int> devices) =>
        WaitAsync(prober, accountId, registered => registered.Order().SequenceEqual(devices.Order()), "devices " + string.Join(",", devices));

    private static async Task WaitAsync(Messenger prober, string accountId, Func<IReadOnlyList<int>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + _timeout;
        var seen = "unknown account";
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var probe = new SendRequest([new OutgoingMessage(NoSuchDevice, null, 2, "AAAA")], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null);
            var refused = await Assert.ThrowsAsync<CloudyApiException>(() => prober.Messages.SendAsync(accountId, probe));
            if (refused.Status == HttpStatusCode.Conflict)
            {
                var registered = refused.GetIntList("missingDevices");
                if (done(registered))
                {
                    return;
                }

                seen = "devices " + string.Join(",", registered);
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, refused.Status);
            }

            Assert.True(DateTime.UtcNow < deadline, $"delivery did not learn {what} of {accountId} within {_timeout} (saw {seen})");
            // Backing off: every probe counts against the prober's send rate limit (300 a minute), and delivery can take
            // long to learn right after start-up; 100 ms apart, a minute of probing would end in 429s.
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 1000));
            await Task.Delay(pause);
        }
    }
}
