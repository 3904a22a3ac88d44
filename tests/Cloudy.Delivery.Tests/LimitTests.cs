using System.Net;
using Cloudy.Delivery.Tests.Support;
using Cloudy.Testing;
using static Cloudy.Delivery.Tests.Support.DeliveryApi;

namespace Cloudy.Delivery.Tests;

/// <summary>Sender rate limit and mailbox cap, on a host configured with small limits.</summary>
public sealed class LimitTests(GarnetFixture garnet) : DeliveryHostTests(garnet)
{
    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Delivery:SendRatePermits"] = "3",
        ["Delivery:SendRateWindow"] = "01:00:00",
        ["Delivery:MailboxCapacity"] = "2",
    };

    [Fact]
    public async Task Send_OverSenderRateLimit_Returns429WithRetryAfter()
    {
        // The window is a fixed hour of the clock: four sends straddling its end would land in two windows.
        var toNextWindow = TimeSpan.FromHours(1) - TimeSpan.FromTicks(Host.Clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerHour);
        if (toNextWindow < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(toNextWindow + TimeSpan.FromMilliseconds(200));
        }

        var alice = await Host.CreateAccountAsync();
        var bobs = new[] { await Host.CreateAccountAsync(), await Host.CreateAccountAsync() };
        for (var i = 0; i < 3; i++)
        {
            await Http.SendOkAsync(Host.Token(alice, 1), bobs[i % 2], new Msg(1, Content("m" + i)));
        }

        using var limited = await Http.SendAsync(Host.Token(alice, 1), bobs[1], new Msg(1, Content("too many")));

        var problem = await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("urn:cloudy:problem:rate-limited", problem.GetProperty("type").GetString());
        Assert.NotNull(limited.Headers.RetryAfter);
        var carol = await Host.CreateAccountAsync();
        await Http.SendOkAsync(Host.Token(carol, 1), bobs[1], new Msg(1, Content("another sender is not limited")));
    }

    [Fact]
    public async Task Send_ToFullMailbox_Returns429MailboxFullUntilItIsDrained()
    {
        var alice = await Host.CreateAccountAsync();
        var carol = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("1")));
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("2")));
        var stored = await Http.WaitForMailboxAsync(Host.Token(bob, 1), 2);

        using (var full = await Http.SendAsync(Host.Token(carol, 1), bob, new Msg(1, Content("3"))))
        {
            var problem = await full.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.Equal("urn:cloudy:problem:mailbox-full", problem.GetProperty("type").GetString());
            Assert.Equal(new[] { 1 }, problem.Ints("fullDevices"));
        }

        using (var ack = await Http.AckAsync(Host.Token(bob, 1), stored[0].GetProperty("id").GetString()!))
        {
            Assert.Equal(HttpStatusCode.NoContent, ack.StatusCode);
        }

        await Http.SendOkAsync(Host.Token(carol, 1), bob, new Msg(1, Content("3")));
    }
}
