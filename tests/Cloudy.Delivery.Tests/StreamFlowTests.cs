using System.Net;
using System.Net.WebSockets;
using System.Text;
using Cloudy.Contracts;
using Cloudy.Delivery.Tests.Support;
using Cloudy.Testing;
using static Cloudy.Delivery.Tests.Support.DeliveryApi;

namespace Cloudy.Delivery.Tests;

/// <summary>
/// The stream's flow control and timers over real WebSockets (ClientWebSocket → Kestrel on loopback) and Garnet:
/// acks arriving together, the client frame size limit at its edge, the heartbeat, and the stream over HTTP/2, with a
/// small in-flight window so the edges are reached quickly. Only the heartbeat test shortens the heartbeat (on its own
/// host): a connection key lives three intervals, and with a sub-second interval a busy machine can delay one renewal
/// long enough for the key to lapse, which closes the stream in the middle of an unrelated test.
/// </summary>
public sealed class StreamFlowTests(GarnetFixture garnet) : DeliveryHostTests(garnet)
{
    private const int Window = 4;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Delivery:MaxInFlight"] = Window.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public async Task Stream_AcksArrivingTogether_DeleteEveryEnvelopeAndRefillTheWindowInOrder()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        for (var i = 0; i < 10; i++)
        {
            await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("m" + i)));
        }

        await Http.WaitForMailboxAsync(Host.Token(bob, 1), 10);
        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));

        var received = new List<string>();
        foreach (var batch in new[] { Window, Window, 2 })
        {
            var ids = new List<string>();
            for (var i = 0; i < batch; i++)
            {
                var envelope = (await stream.ExpectAsync("envelope")).GetProperty("envelope");
                received.Add(envelope.GetProperty("content").GetString()!);
                ids.Add(envelope.GetProperty("id").GetString()!);
            }

            if (batch == Window)
            {
                Assert.True(await stream.QuietForAsync(200), "an envelope beyond the window was sent before any ack");
            }

            foreach (var id in ids)
            {
                await stream.AckAsync(id);   // back to back: the server sees them together
            }
        }

        await stream.ExpectAsync("queue-empty");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => Content("m" + i)), received);
        await Eventually.TrueAsync(async () => (await Http.FetchAsync(Host.Token(bob, 1))).Envelopes().Count == 0);
        Assert.True(await stream.QuietForAsync(300), "acks of known envelopes must not produce frames");
    }

    [Fact]
    public async Task Stream_AckBatchWithForeignId_AnswersUnknownForThatIdOnlyAndDeletesTheRest()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("a")));
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("b")));
        var foreign = await ForeignIdAsync(bob, alice);
        await Http.WaitForMailboxAsync(Host.Token(bob, 1), 2);
        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        var first = (await stream.ExpectAsync("envelope")).GetProperty("envelope").GetProperty("id").GetString()!;
        var second = (await stream.ExpectAsync("envelope")).GetProperty("envelope").GetProperty("id").GetString()!;
        await stream.ExpectAsync("queue-empty");

        await stream.AckAsync(first);
        await stream.AckAsync(foreign);
        await stream.AckAsync(second);

        var error = await stream.ExpectAsync("error");
        Assert.Equal("unknown-envelope", error.GetProperty("code").GetString());
        Assert.Equal(foreign, error.GetProperty("id").GetString());
        await Eventually.TrueAsync(async () => (await Http.FetchAsync(Host.Token(bob, 1))).Envelopes().Count == 0);
        Assert.Single((await Http.FetchAsync(Host.Token(alice, 1))).Envelopes());
        Assert.True(await stream.QuietForAsync(300), "only the foreign id may be answered");
    }

    [Fact]
    public async Task Stream_FrameOfExactly4KiB_HandledAndStreamStaysOpen()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        var foreign = await ForeignIdAsync(bob, alice);
        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        await stream.ExpectAsync("queue-empty");

        var ack = $"{{\"type\":\"ack\",\"id\":\"{foreign}\"}}";
        await stream.SendTextAsync(ack.PadRight(4096));   // JSON allows trailing whitespace

        Assert.Equal(foreign, (await stream.ExpectAsync("error")).GetProperty("id").GetString());
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("after")));
        Assert.Equal(Content("after"), (await stream.ExpectAsync("envelope")).GetProperty("envelope").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Stream_FrameOver4KiBInFragments_ClosedWithMessageTooBig()
    {
        var bob = await Host.CreateAccountAsync();
        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        await stream.ExpectAsync("queue-empty");

        var part = Encoding.UTF8.GetBytes(new string(' ', 2048));
        for (var i = 0; i < 3; i++)
        {
            await stream.Socket.SendAsync(part, WebSocketMessageType.Text, endOfMessage: i == 2, CancellationToken.None);
        }

        Assert.Null(await stream.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, stream.Socket.CloseStatus);
    }

    [Fact]
    public async Task Stream_Heartbeat_RenewsConnectionKeyThenClosesWith4000OnceAnotherHolderTookIt()
    {
        // A 2 s heartbeat: the key lives 6 s unless renewed, so only a renewal more than 4 s late would lapse it.
        await using var host = await DeliveryHost.StartAsync(Garnet, new Dictionary<string, string?> { ["Delivery:HeartbeatInterval"] = "00:00:02" });
        var bob = await host.CreateAccountAsync();
        var key = $"dl:{{{bob}}}:conn:1";
        await using var stream = await StreamClient.ConnectAsync(host.BaseAddress, host.Token(bob, 1));
        await stream.ExpectAsync("queue-empty");

        // A key's remaining lifetime only shrinks unless something renews it: seeing it grow is a renewal. Polled,
        // so a slow machine makes the test wait, not fail.
        var previous = await host.Db.KeyTimeToLiveAsync(key);
        Assert.NotNull(previous);
        await Eventually.TrueAsync(async () =>
        {
            var ttl = await host.Db.KeyTimeToLiveAsync(key);
            Assert.True(ttl.HasValue, "the connection key lapsed: the heartbeat did not renew it");
            var renewed = ttl > previous;
            previous = ttl;
            return renewed;
        });
        Assert.True(await host.Db.KeyExistsAsync(key));

        await host.Db.StringSetAsync(key, "another-instance|another-connection", TimeSpan.FromSeconds(30));

        Assert.Null(await stream.ReceiveAsync());
        Assert.Equal(4000, (int?)stream.Socket.CloseStatus);
        Assert.Equal("another-instance|another-connection", (string?)await host.Db.StringGetAsync(key));
        await Task.Delay(300);
        Assert.DoesNotContain(host.ConnectionEvents.OfType<DeviceDisconnected>(), e => e.AccountId == bob);
    }

    [Fact]
    public async Task Stream_ManyStreamsOnOneInstance_SharedTickerBeatsEveryOne()
    {
        // One ticker beats every stream of the instance (a slot per tick): each must be renewed and re-announced.
        await using var host = await DeliveryHost.StartAsync(Garnet, new Dictionary<string, string?> { ["Delivery:HeartbeatInterval"] = "00:00:02" });
        var accounts = new List<string>();
        var streams = new List<StreamClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var account = await host.CreateAccountAsync();
                var stream = await StreamClient.ConnectAsync(host.BaseAddress, host.Token(account, 1));
                await stream.ExpectAsync("queue-empty");
                accounts.Add(account);
                streams.Add(stream);
                await Task.Delay(300);   // opened at different moments, so they land in different slots
            }

            // The first announcement is the connect; a second one can only come from a heartbeat.
            await Eventually.TrueAsync(() => Task.FromResult(accounts.All(a =>
                host.ConnectionEvents.OfType<DeviceConnected>().Count(e => e.AccountId == a) >= 2)));
            foreach (var account in accounts)
            {
                var ttl = await host.Db.KeyTimeToLiveAsync($"dl:{{{account}}}:conn:1");
                Assert.True(ttl > TimeSpan.Zero, $"the connection key of {account} lapsed");
            }

            Assert.All(streams, s => Assert.Equal(System.Net.WebSockets.WebSocketState.Open, s.Socket.State));
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Stream_OverHttp2ExtendedConnect_DrainsQueueEmptyAndAcksLikeHttp11()
    {
        await using var host = await DeliveryHost.StartAsync(Garnet, new Dictionary<string, string?>
        {
            // The only endpoint: cleartext HTTP/2 by prior knowledge, as delivery would offer it to the gateway.
            ["Kestrel:Endpoints:H2c:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:H2c:Protocols"] = "Http2",
        });
        using var handler = new SocketsHttpHandler();
        using var http = new HttpClient(new Http2Only(handler), disposeHandler: false) { BaseAddress = host.BaseAddress };
        var alice = await host.CreateAccountAsync();
        var bob = await host.CreateAccountAsync();
        await http.SendOkAsync(host.Token(alice, 1), bob, new Msg(1, Content("over h2")));
        await http.WaitForMailboxAsync(host.Token(bob, 1), 1);

        await using var stream = await StreamClient.ConnectHttp2Async(host.BaseAddress, host.Token(bob, 1), new HttpMessageInvoker(handler, disposeHandler: false));

        var envelope = (await stream.ExpectAsync("envelope")).GetProperty("envelope");
        Assert.Equal(Content("over h2"), envelope.GetProperty("content").GetString());
        await stream.ExpectAsync("queue-empty");
        await stream.AckAsync(envelope.GetProperty("id").GetString()!);
        await Eventually.TrueAsync(async () => (await http.FetchAsync(host.Token(bob, 1))).Envelopes().Count == 0);
    }

    /// <summary>A well-formed envelope id that is not in <paramref name="sender"/>'s mailbox: one it sent to <paramref name="other"/>.</summary>
    private async Task<string> ForeignIdAsync(string sender, string other) =>
        (await Http.SendOkAsync(Host.Token(sender, 1), other, new Msg(1, Content("x"))))
            .GetProperty("envelopes")[0].GetProperty("envelopeId").GetString()!;

    /// <summary>Sends every request as HTTP/2 by prior knowledge (the API helpers build HTTP/1.1 request messages).</summary>
    private sealed class Http2Only(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
