using System.Net;
using System.Net.WebSockets;
using Cloudy.Contracts;
using Cloudy.Delivery.Tests.Support;
using Cloudy.Testing;
using static Cloudy.Delivery.Tests.Support.DeliveryApi;

namespace Cloudy.Delivery.Tests;

/// <summary>GET /v1/stream over real WebSockets (ClientWebSocket → Kestrel on loopback), Garnet and the in-process bus.</summary>
public sealed class StreamTests(GarnetFixture garnet) : DeliveryHostTests(garnet)
{
    [Fact]
    public async Task Stream_OnConnect_DrainsOldestFirstThenQueueEmptyThenLivePushesAndAcksDelete()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        for (var i = 0; i < 3; i++)
        {
            await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("stored" + i)));
        }

        await Http.WaitForMailboxAsync(Host.Token(bob, 1), 3);
        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));

        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var frame = await stream.ExpectAsync("envelope");
            Assert.Equal(Content("stored" + i), frame.GetProperty("envelope").GetProperty("content").GetString());
            Assert.Equal(alice, frame.GetProperty("envelope").GetProperty("sourceAccountId").GetString());
            ids.Add(frame.GetProperty("envelope").GetProperty("id").GetString()!);
        }

        await stream.ExpectAsync("queue-empty");
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("live")));
        var live = await stream.ExpectAsync("envelope");
        Assert.Equal(Content("live"), live.GetProperty("envelope").GetProperty("content").GetString());
        ids.Add(live.GetProperty("envelope").GetProperty("id").GetString()!);

        foreach (var id in ids)
        {
            await stream.AckAsync(id);
        }

        await Eventually.TrueAsync(async () => (await Http.FetchAsync(Host.Token(bob, 1))).Envelopes().Count == 0);
        Assert.True(await stream.QuietForAsync(200), "acks of known envelopes must not produce error frames");
    }

    [Fact]
    public async Task Stream_EmptyMailbox_SendsQueueEmptyAtOnce()
    {
        var bob = await Host.CreateAccountAsync();

        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));

        await stream.ExpectAsync("queue-empty");
    }

    [Fact]
    public Task Stream_SecondConnectionOfDevice_ClosesFirstWith4000AndTakesOver() => AssertReplacedAsync(Host);

    [Fact]
    public async Task Stream_SecondConnectionOnAnotherInstance_ClosesFirstAndReceivesPushesThere()
    {
        await using var other = await DeliveryHost.StartAsync(Garnet);
        await AssertReplacedAsync(other);
    }

    [Fact]
    public async Task Stream_MoreThanMaxInFlight_WaitsForAcksBeforeSendingMore()
    {
        await using var host = await DeliveryHost.StartAsync(Garnet, new Dictionary<string, string?> { ["Delivery:MaxInFlight"] = "2" });
        using var http = host.CreateClient();
        var alice = await host.CreateAccountAsync();
        var bob = await host.CreateAccountAsync();
        for (var i = 0; i < 3; i++)
        {
            // One at a time: two instances share the store's queue, so back-to-back sends could be stored out of order.
            await http.SendOkAsync(host.Token(alice, 1), bob, new Msg(1, Content("n" + i)));
            await http.WaitForMailboxAsync(host.Token(bob, 1), i + 1);
        }

        await using var stream = await StreamClient.ConnectAsync(host.BaseAddress, host.Token(bob, 1));
        var first = await stream.ExpectAsync("envelope");
        await stream.ExpectAsync("envelope");
        Assert.True(await stream.QuietForAsync(300), "a third envelope was sent while two were unacknowledged");

        await stream.AckAsync(first.GetProperty("envelope").GetProperty("id").GetString()!);

        Assert.Equal(Content("n2"), (await stream.ExpectAsync("envelope")).GetProperty("envelope").GetProperty("content").GetString());
        await stream.ExpectAsync("queue-empty");
    }

    [Fact]
    public async Task Stream_EphemeralSend_PushedToOnlineDeviceOnlyAndNeverStored()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        await using var online = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        await online.ExpectAsync("queue-empty");

        using var response = await Http.SendRawAsync(Host.Token(alice, 1), bob,
            Body([new Msg(1, Content("typing")), new Msg(2, Content("typing"))], ephemeral: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var frame = await online.ExpectAsync("envelope");
        Assert.True(frame.GetProperty("envelope").GetProperty("ephemeral").GetBoolean());
        Assert.Equal(Content("typing"), frame.GetProperty("envelope").GetProperty("content").GetString());
        await Task.Delay(200);
        Assert.Empty((await Http.FetchAsync(Host.Token(bob, 1))).Envelopes());
        Assert.Empty((await Http.FetchAsync(Host.Token(bob, 2))).Envelopes());
        Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:mb:1:e"));
        Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:mb:2:e"));
    }

    [Fact]
    public async Task Stream_BadFramesAndUnknownAcks_AnsweredWithErrorFramesStreamStaysOpen()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        await stream.ExpectAsync("queue-empty");

        foreach (var bad in new[] { "not json", "{\"type\":\"nack\",\"id\":\"x\"}", "{\"type\":\"ack\"}", "{\"type\":\"ack\",\"id\":\"../../etc\"}", "[]" })
        {
            await stream.SendTextAsync(bad);
            Assert.Equal("bad-frame", (await stream.ExpectAsync("error")).GetProperty("code").GetString());
        }

        var othersId = (await Http.SendOkAsync(Host.Token(bob, 1), alice, new Msg(1, Content("x"))))
            .GetProperty("envelopes")[0].GetProperty("envelopeId").GetString()!;
        await Http.WaitForMailboxAsync(Host.Token(alice, 1), 1);
        await stream.AckAsync(othersId);
        var unknown = await stream.ExpectAsync("error");
        Assert.Equal("unknown-envelope", unknown.GetProperty("code").GetString());
        Assert.Single((await Http.FetchAsync(Host.Token(alice, 1))).Envelopes());

        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("still open")));
        Assert.Equal(Content("still open"), (await stream.ExpectAsync("envelope")).GetProperty("envelope").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Stream_BinaryFrame_ClosedWithInvalidMessageType()
    {
        var bob = await Host.CreateAccountAsync();
        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        await stream.ExpectAsync("queue-empty");

        await stream.Socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Null(await stream.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, stream.Socket.CloseStatus);
    }

    [Fact]
    public async Task Stream_HostStopping_ClosesWithEndpointUnavailable()
    {
        var host = await DeliveryHost.StartAsync(Garnet);
        var bob = await host.CreateAccountAsync();
        await using var stream = await StreamClient.ConnectAsync(host.BaseAddress, host.Token(bob, 1));
        await stream.ExpectAsync("queue-empty");

        var stopping = host.DisposeAsync().AsTask();

        Assert.Null(await stream.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, stream.Socket.CloseStatus);
        await stopping;
    }

    /// <summary>
    /// Tokens are accepted only in the Authorization header: a token in the URL would be written to
    /// request logs, traces and proxy logs.
    /// </summary>
    [Fact]
    public async Task Stream_TokenInAccessTokenQuery_Refused401()
    {
        var bob = await Host.CreateAccountAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, await StreamClient.RefusedStatusAsync(Host.BaseAddress, Host.Token(bob, 1), viaQuery: true));
    }

    [Fact]
    public async Task Stream_NoTokenForgedTokenOrRemovedDevice_HandshakeRefused401()
    {
        var bob = await Host.CreateAccountAsync(2);
        await Host.RemoveDeviceAsync(bob, 2);
        var forged = DeliveryHost.Forged(bob, 1);

        Assert.Equal(HttpStatusCode.Unauthorized, await StreamClient.RefusedStatusAsync(Host.BaseAddress, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await StreamClient.RefusedStatusAsync(Host.BaseAddress, forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await StreamClient.RefusedStatusAsync(Host.BaseAddress, forged, viaQuery: true));
        Assert.Equal(HttpStatusCode.Unauthorized, await StreamClient.RefusedStatusAsync(Host.BaseAddress, Host.Token(bob, 2)));
    }

    [Fact]
    public async Task Stream_PlainHttpGet_Returns400Problem()
    {
        var bob = await Host.CreateAccountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/stream");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Host.Token(bob, 1));

        using var response = await Http.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Stream_DeviceRemoved_ClosedWith4001AndMailboxPurged()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("a")), new Msg(2, Content("b")));
        await Http.WaitForMailboxAsync(Host.Token(bob, 2), 1);
        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 2));
        await stream.ExpectAsync("envelope");
        await stream.ExpectAsync("queue-empty");

        await Host.RemoveDeviceAsync(bob, 2);

        Assert.Null(await stream.ReceiveAsync());
        Assert.Equal(4001, (int?)stream.Socket.CloseStatus);
        foreach (var part in new[] { "q", "t", "e", "seq" })
        {
            Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:mb:2:{part}"), part);
        }

        Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:conn:2"));
        Assert.Single((await Http.FetchAsync(Host.Token(bob, 1))).Envelopes());
    }

    [Fact]
    public async Task Stream_ConnectAndClose_PublishesConnectionEventsAndKeepsHeartbeatKeyMeanwhile()
    {
        var bob = await Host.CreateAccountAsync();
        var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        await stream.ExpectAsync("queue-empty");

        var ttl = await Host.Db.KeyTimeToLiveAsync($"dl:{{{bob}}}:conn:1");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(90));
        await Eventually.TrueAsync(() => Task.FromResult(Host.ConnectionEvents.OfType<DeviceConnected>().Any(e => e.AccountId == bob && e.DeviceId == 1)));

        await stream.DisposeAsync();

        await Eventually.TrueAsync(() => Task.FromResult(Host.ConnectionEvents.OfType<DeviceDisconnected>().Any(e => e.AccountId == bob && e.DeviceId == 1)));
        Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:conn:1"));
    }

    [Fact]
    public async Task Stream_ReplacedConnection_DoesNotPublishDisconnected()
    {
        var bob = await Host.CreateAccountAsync();
        await using var first = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        await first.ExpectAsync("queue-empty");
        await using var second = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        await second.ExpectAsync("queue-empty");
        Assert.Null(await first.ReceiveAsync());

        await Eventually.TrueAsync(() => Task.FromResult(Host.ConnectionEvents.OfType<DeviceConnected>().Count(e => e.AccountId == bob) == 2));
        await Task.Delay(300);

        Assert.DoesNotContain(Host.ConnectionEvents.OfType<DeviceDisconnected>(), e => e.AccountId == bob);
        Assert.True(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:conn:1"));
    }

    /// <summary>Opens a stream on this class's host, then one for the same device on <paramref name="secondHost"/>.</summary>
    private async Task AssertReplacedAsync(DeliveryHost secondHost)
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        await using var first = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        await first.ExpectAsync("queue-empty");

        await using var second = await StreamClient.ConnectAsync(secondHost.BaseAddress, secondHost.Token(bob, 1));
        await second.ExpectAsync("queue-empty");

        Assert.Null(await first.ReceiveAsync());
        Assert.Equal(4000, (int?)first.Socket.CloseStatus);
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("to the new one")));
        Assert.Equal(Content("to the new one"), (await second.ExpectAsync("envelope")).GetProperty("envelope").GetProperty("content").GetString());
    }
}
