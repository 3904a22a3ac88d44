using System.Net;
using Cloudy.Client;
using Cloudy.Client.Messaging;
using Cloudy.Client.Wire;

namespace Cloudy.EndToEnd.Tests;

/// <summary>
/// Delivery learns accounts and devices from identity's events (<c>cloudy.identity.v1</c>), so in platform mode it
/// knows a new account or a newly linked device a moment after identity does (longer right after start-up, while
/// its consumer joins its group). A person exchanging links never notices; a test sending within milliseconds does.
/// This waits, through the public API, until delivery's view matches: a send addressed to a device that does not
/// exist is refused with 404 while the account is unknown and with 409 naming the registered devices once it is.
/// </summary>
internal static class DeliveryView
{
    private const int NoSuchDevice = 16_000;

    public static async Task WaitForDevicesAsync(Messenger sender, string accountId, IReadOnlyCollection<int> devices)
    {
        var deadline = DateTime.UtcNow + Inbox.Timeout;
        var seen = "unknown account";
        var pause = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var probe = new SendRequest([new OutgoingMessage(NoSuchDevice, null, 2, "AAAA")], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null);
            var refused = await Assert.ThrowsAsync<CloudyApiException>(() => sender.Messages.SendAsync(accountId, probe));
            if (refused.Status == HttpStatusCode.Conflict)
            {
                var missing = refused.GetIntList("missingDevices");
                if (missing.Order().SequenceEqual(devices.Order()))
                {
                    return;
                }

                seen = "devices " + string.Join(",", missing);
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, refused.Status);
            }

            Assert.True(DateTime.UtcNow < deadline, $"delivery did not learn devices {string.Join(",", devices)} of {accountId} within {Inbox.Timeout} (saw {seen})");
            // Backing off: every probe counts against the sender's send rate limit (300 a minute), and delivery can
            // take long to learn right after start-up; 100 ms apart, a minute of probing would end in 429s.
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 1000));
            await Task.Delay(pause);
        }
    }
}
