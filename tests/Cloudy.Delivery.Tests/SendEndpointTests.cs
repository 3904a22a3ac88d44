using System.Net;
using System.Text.Json;
using Cloudy.Delivery.Tests.Support;
using Cloudy.Testing;
using static Cloudy.Delivery.Tests.Support.DeliveryApi;

namespace Cloudy.Delivery.Tests;

/// <summary>PUT /v1/messages/{accountId} and the REST fallback, through real Kestrel, the in-process bus and Garnet.</summary>
public sealed class SendEndpointTests(GarnetFixture garnet) : DeliveryHostTests(garnet)
{
    [Fact]
    public async Task Send_ToSingleDevice_StampedEnvelopeFetchedThenAckDeletesIt()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        var content = Content("hello bob");

        var sent = await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, content, Type: 3, RegistrationId: 77));

        var envelopeId = sent.GetProperty("envelopes")[0].GetProperty("envelopeId").GetString()!;
        var envelope = Assert.Single(await Http.WaitForMailboxAsync(Host.Token(bob, 1), 1));
        Assert.Equal(envelopeId, envelope.GetProperty("id").GetString());
        Assert.Equal(alice, envelope.GetProperty("sourceAccountId").GetString());
        Assert.Equal(1, envelope.GetProperty("sourceDeviceId").GetInt32());
        Assert.Equal(1, envelope.GetProperty("destinationDeviceId").GetInt32());
        Assert.Equal(3, envelope.GetProperty("type").GetInt32());
        Assert.Equal(77, envelope.GetProperty("registrationId").GetInt32());
        Assert.Equal(content, envelope.GetProperty("content").GetString());
        Assert.Equal(1_700_000_000_000, envelope.GetProperty("clientTimestamp").GetInt64());
        Assert.Equal(sent.GetProperty("serverTimestamp").GetDateTimeOffset(), envelope.GetProperty("serverTimestamp").GetDateTimeOffset());

        using (var ack = await Http.AckAsync(Host.Token(bob, 1), envelopeId))
        {
            Assert.Equal(HttpStatusCode.NoContent, ack.StatusCode);
        }

        Assert.Empty((await Http.FetchAsync(Host.Token(bob, 1))).Envelopes());
        using var again = await Http.AckAsync(Host.Token(bob, 1), envelopeId);
        await again.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Send_SenderClaimsInBody_AreIgnoredInFavourOfToken()
    {
        var alice = await Host.CreateAccountAsync(2);
        var bob = await Host.CreateAccountAsync();
        var body = Body([new Msg(1, Content("x"))]).Replace("{\"messages\"", "{\"sourceAccountId\":\"" + bob + "\",\"sourceDeviceId\":9,\"messages\"", StringComparison.Ordinal);

        using var response = await Http.SendRawAsync(Host.Token(alice, 2), bob, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var envelope = Assert.Single(await Http.WaitForMailboxAsync(Host.Token(bob, 1), 1));
        Assert.Equal(alice, envelope.GetProperty("sourceAccountId").GetString());
        Assert.Equal(2, envelope.GetProperty("sourceDeviceId").GetInt32());
    }

    [Fact]
    public async Task Send_MissingOrExtraDevices_Returns409WithListsThenSucceedsAfterCorrection()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        var token = Host.Token(alice, 1);

        using (var missing = await Http.SendAsync(token, bob, new Msg(1, Content("a"))))
        {
            var problem = await missing.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal(new[] { 2 }, problem.Ints("missingDevices"));
            Assert.Empty(problem.Ints("extraDevices"));
            Assert.Equal("urn:cloudy:problem:mismatched-devices", problem.GetProperty("type").GetString());
        }

        using (var extra = await Http.SendAsync(token, bob, new Msg(1, Content("a")), new Msg(2, Content("b")), new Msg(3, Content("c"))))
        {
            var problem = await extra.AssertProblemAsync(HttpStatusCode.Conflict);
            Assert.Empty(problem.Ints("missingDevices"));
            Assert.Equal(new[] { 3 }, problem.Ints("extraDevices"));
        }

        await AssertMailboxKeysAbsentAsync(bob, 1, 2, 3);
        await Http.SendOkAsync(token, bob, new Msg(1, Content("for 1")), new Msg(2, Content("for 2")));
        Assert.Equal(Content("for 1"), Assert.Single(await Http.WaitForMailboxAsync(Host.Token(bob, 1), 1)).GetProperty("content").GetString());
        Assert.Equal(Content("for 2"), Assert.Single(await Http.WaitForMailboxAsync(Host.Token(bob, 2), 1)).GetProperty("content").GetString());
    }

    [Fact]
    public async Task Send_RemovedDevice_Returns410StaleDevicesThenSucceedsWithout()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        await Host.RemoveDeviceAsync(bob, 2);

        using (var stale = await Http.SendAsync(Host.Token(alice, 1), bob, new Msg(1, Content("a")), new Msg(2, Content("b"))))
        {
            var problem = await stale.AssertProblemAsync(HttpStatusCode.Gone);
            Assert.Equal(new[] { 2 }, problem.Ints("staleDevices"));
            Assert.Equal("urn:cloudy:problem:stale-devices", problem.GetProperty("type").GetString());
        }

        await AssertMailboxKeysAbsentAsync(bob, 1, 2);
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("a")));
        await Http.WaitForMailboxAsync(Host.Token(bob, 1), 1);
    }

    [Fact]
    public async Task Send_RemovedAndMissingDevices_Returns409ListingRemovedAsExtra()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        await Host.RemoveDeviceAsync(bob, 2);
        await Host.Bus.PublishAsync(Cloudy.Contracts.Topics.Identity, bob, new Cloudy.Contracts.DeviceLinked(bob, 3));
        await Eventually.TrueAsync(async () => await Host.Db.HashExistsAsync($"dl:{{{bob}}}:devices", 3));

        using var response = await Http.SendAsync(Host.Token(alice, 1), bob, new Msg(1, Content("a")), new Msg(2, Content("b")));

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(new[] { 3 }, problem.Ints("missingDevices"));
        Assert.Equal(new[] { 2 }, problem.Ints("extraDevices"));
    }

    [Fact]
    public async Task Send_ToOwnAccount_MustAddressOtherDevicesOnly()
    {
        var alice = await Host.CreateAccountAsync(2);
        var token = Host.Token(alice, 1);

        using (var self = await Http.SendAsync(token, alice, new Msg(1, Content("a")), new Msg(2, Content("b"))))
        {
            Assert.Equal(new[] { 1 }, (await self.AssertProblemAsync(HttpStatusCode.Conflict)).Ints("extraDevices"));
        }

        await Http.SendOkAsync(token, alice, new Msg(2, Content("sync")));
        await Http.WaitForMailboxAsync(Host.Token(alice, 2), 1);
        Assert.Empty((await Http.FetchAsync(token)).Envelopes());
    }

    [Fact]
    public async Task Send_ContentAtLimit_Accepted_OneByteMore_Returns413NothingStored()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        var token = Host.Token(alice, 1);

        using (var tooBig = await Http.SendAsync(token, bob, new Msg(1, B64(new byte[(96 * 1024) + 1]))))
        {
            await tooBig.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        }

        await AssertMailboxKeysAbsentAsync(bob, 1);
        await Http.SendOkAsync(token, bob, new Msg(1, B64(new byte[96 * 1024])));
        var envelope = Assert.Single(await Http.WaitForMailboxAsync(Host.Token(bob, 1), 1));
        Assert.Equal(96 * 1024, Convert.FromBase64String(ToStandard(envelope.GetProperty("content").GetString()!)).Length);
    }

    [Fact]
    public async Task Send_SixDevicesAtFullSize_FitsTheBodyLimit()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(6);
        var content = B64(new byte[96 * 1024]);

        await Http.SendOkAsync(Host.Token(alice, 1), bob, [.. Enumerable.Range(1, 6).Select(d => new Msg(d, content))]);

        await Http.WaitForMailboxAsync(Host.Token(bob, 6), 1);
    }

    [Fact]
    public async Task Send_UnknownAccount_Returns404()
    {
        var alice = await Host.CreateAccountAsync();

        using var response = await Http.SendAsync(Host.Token(alice, 1), DeliveryHost.NewAccountId(), new Msg(1, Content("a")));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Fetch_ManyEnvelopes_PagedOldestFirst()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        for (var i = 0; i < 5; i++)
        {
            await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("m" + i)));
        }

        await Http.WaitForMailboxAsync(Host.Token(bob, 1), 5);
        var seen = new List<string>();
        var query = "?limit=2";
        bool more;
        do
        {
            var page = await Http.FetchAsync(Host.Token(bob, 1), query);
            seen.AddRange(page.Envelopes().Select(e => e.GetProperty("content").GetString()!));
            more = page.GetProperty("more").GetBoolean();
            query = "?limit=2&after=" + page.GetProperty("cursor").GetString();
        }
        while (more);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => Content("m" + i)), seen);
    }

    [Fact]
    public async Task Ack_AnotherDevicesOrAccountsEnvelope_Returns404AndKeepsIt()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        var sent = await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("a")), new Msg(2, Content("b")));
        var forDevice2 = sent.GetProperty("envelopes").EnumerateArray().Single(e => e.GetProperty("deviceId").GetInt32() == 2)
            .GetProperty("envelopeId").GetString()!;
        await Http.WaitForMailboxAsync(Host.Token(bob, 2), 1);

        using (var byOtherDevice = await Http.AckAsync(Host.Token(bob, 1), forDevice2))
        {
            await byOtherDevice.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        using (var bySender = await Http.AckAsync(Host.Token(alice, 1), forDevice2))
        {
            await bySender.AssertProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal(forDevice2, Assert.Single((await Http.FetchAsync(Host.Token(bob, 2))).Envelopes()).GetProperty("id").GetString());
        Assert.Single((await Http.FetchAsync(Host.Token(bob, 1))).Envelopes());
        Assert.Empty((await Http.FetchAsync(Host.Token(alice, 1))).Envelopes());
    }

    [Fact]
    public async Task Requests_FromRemovedDevice_Return401()
    {
        var bob = await Host.CreateAccountAsync(2);
        await Host.RemoveDeviceAsync(bob, 2);
        var token = Host.Token(bob, 2);

        using (var fetch = await Http.FetchRawAsync(token))
        {
            await fetch.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        using var send = await Http.SendAsync(token, bob, new Msg(1, Content("a")));
        await send.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Envelopes_OlderThanTtl_Expire()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("old")));
        await Http.WaitForMailboxAsync(Host.Token(bob, 1), 1);

        Host.Clock.Offset = TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1);
        try
        {
            Assert.Empty((await Http.FetchAsync(Host.Token(bob, 1))).Envelopes());
            Assert.Equal(0, await Host.Db.HashLengthAsync($"dl:{{{bob}}}:mb:1:e"));
        }
        finally
        {
            Host.Clock.Offset = TimeSpan.Zero;
        }
    }

    private async Task AssertMailboxKeysAbsentAsync(string account, params int[] devices)
    {
        // Give a wrongly published event time to reach the consumer before looking.
        await Task.Delay(200);
        foreach (var device in devices)
        {
            Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{account}}}:mb:{device}:q"), $"device {device} has a mailbox");
        }
    }

    private static string ToStandard(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
    }
}
