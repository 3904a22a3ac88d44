using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Cloudy.Identity.Tests;
using Cloudy.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.Gateway.Tests;

/// <summary>
/// The gateway in front of the real identity service (its own host, validating tokens itself,
/// Garnet store) and an echo backend for the other services; tokens checked against identity's JWKS over HTTP.
/// </summary>
[Collection(GarnetCollection.Name)]
public sealed class GatewayTests(GarnetFixture garnet) : IAsyncLifetime
{
    private IdentityHost _identity = null!;
    private EchoBackend _echo = null!;
    private GatewayHost _gateway = null!;

    private HttpClient Http => _gateway.Http;

    public async Task InitializeAsync()
    {
        _identity = await IdentityHost.StartAsync(garnet.Connection, edge: false);
        _echo = await EchoBackend.StartAsync();
        _gateway = await GatewayHost.StartAsync(_identity.BaseAddress, _echo.Address);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _echo.DisposeAsync();
        await _identity.DisposeAsync();
    }

    [Fact]
    public async Task IdentityFlow_ThroughGateway_RegisterLoginLinkResolveRotateDisableDelete()
    {
        var alice = await Http.NewAccountAsync();
        var bob = await Http.NewAccountAsync();

        var handle = await (await Http.SendAsync(HttpMethod.Put, "/v1/accounts/me/link", alice.Token)).ReadStringAsync("handle");
        Assert.Equal(alice.AccountId, await (await Http.ResolveAsync(handle, bob.Token)).ReadStringAsync("accountId"));
        var rotated = await (await Http.SendAsync(HttpMethod.Post, "/v1/accounts/me/link/rotate", alice.Token)).ReadStringAsync("handle");
        await (await Http.ResolveAsync(handle, bob.Token)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(HttpMethod.Delete, "/v1/accounts/me/link", alice.Token)).StatusCode);
        await (await Http.ResolveAsync(rotated, bob.Token)).AssertProblemAsync(HttpStatusCode.NotFound);
        var linked = await Http.LinkDeviceAsync(alice);
        Assert.Equal(2, linked.DeviceId);

        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(HttpMethod.Delete, "/v1/accounts/me", alice.Token)).StatusCode);
        Assert.Single(_identity.Bus.OfType<Cloudy.Contracts.AccountDeleted>(alice.AccountId));
        await (await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me", linked.Token)).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("GET", "/v1/keys/abc")]
    [InlineData("POST", "/v1/messages/abc")]
    [InlineData("GET", "/v1/presence/abc")]
    [InlineData("GET", "/v1/stream")]
    [InlineData("GET", "/v1/accounts/me")]
    [InlineData("GET", "/v1/devices")]
    [InlineData("GET", "/v1/accounts")]
    [InlineData("GET", "/v1/unrouted")]
    public async Task ProtectedRoute_NoToken_401AtEdgeBackendNotReached(string method, string path)
    {
        var response = await Http.SendAsync(new HttpMethod(method), path);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, _echo.Hits);
    }

    [Theory]
    [MemberData(nameof(TokenForge.AllBadTokens), MemberType = typeof(TokenForge))]
    public async Task ProtectedRoute_BadToken_401AtEdgeBackendNotReached(BadToken kind)
    {
        var keys = _identity.Services.GetRequiredService<ISigningKeyProvider>();

        var response = await Http.SendAsync(HttpMethod.Get, "/v1/keys/abc", TokenForge.Forge(kind, keys, "AAECAwQFBgcICQoLDA0ODw", 1));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, _echo.Hits);
    }

    [Fact]
    public async Task ProxiedRequest_ClientIdentityHeaders_StrippedTokenForwarded()
    {
        var alice = await Http.NewAccountAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/keys/someone");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);
        request.Headers.Add("X-Cloudy-Account", "victim");
        request.Headers.Add("X-Cloudy-Device", "1");
        request.Headers.Add("X-Forwarded-User", "admin");
        request.Headers.Add("Remote-User", "admin");
        request.Headers.Add("X-Forwarded-For", "6.6.6.6");
        request.Headers.Add("X-Trace-Me", "kept");

        var echoed = await (await Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();

        var headers = echoed.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal("/v1/keys/someone", echoed.GetProperty("path").GetString());
        Assert.Equal("Bearer " + alice.Token, headers["authorization"]);
        Assert.Equal("kept", headers["x-trace-me"]);
        Assert.DoesNotContain(headers.Keys, k => k.StartsWith("x-cloudy", StringComparison.Ordinal) || k is "x-forwarded-user" or "remote-user");
        Assert.DoesNotContain("6.6.6.6", headers["x-forwarded-for"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/keys/a/b", "/v1/keys/a/b")]
    [InlineData("/v1/messages", "/v1/messages")]
    [InlineData("/v1/presence/x", "/v1/presence/x")]
    public async Task ServiceRoutes_WithToken_ReachTheirClusterWithPathIntact(string path, string expected)
    {
        var alice = await Http.NewAccountAsync();

        var echoed = await (await Http.SendAsync(HttpMethod.Get, path, alice.Token)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(expected, echoed.GetProperty("path").GetString());
        Assert.Equal(1, _echo.Hits);
    }

    [Fact]
    public async Task AnonymousRoutes_NoToken_PassTheEdge()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/.well-known/jwks.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/health/live")).StatusCode);
        await (await Http.ResolveAsync("AAAAAAAAAAAAAAAAAAAAAAAA")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Http.PostJsonAsync("/v1/auth/challenge", new { accountId = "AAECAwQFBgcICQoLDA0ODw", deviceId = 1 }))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Http.PostRawAsync("/v1/devices/redeem", "{}")).AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Stream_WebSocketWithToken_EchoedThroughYarp()
    {
        var alice = await Http.NewAccountAsync();
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + alice.Token);
        var uri = new UriBuilder(_gateway.Address) { Scheme = "ws", Path = "/v1/stream" }.Uri;

        await socket.ConnectAsync(uri, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping-through-gateway"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        Assert.Equal("ping-through-gateway", Encoding.UTF8.GetString(buffer, 0, received.Count));
        Assert.Equal(["HTTP/1.1 GET"], _echo.WebSocketRequests);   // the default hop: one HTTP/1.1 upgrade per device
    }

    /// <summary>
    /// With the delivery cluster on HTTP/2 (prior knowledge), a client's HTTP/1.1 upgrade travels to the backend as
    /// an RFC 8441 CONNECT stream on a shared connection: no socket and no HTTP/1.1 connection buffers per device
    /// in the gateway.
    /// </summary>
    [Fact]
    public async Task Stream_DeliveryClusterOnHttp2_WebSocketEchoedOverExtendedConnect()
    {
        await using var h2Backend = await EchoBackend.StartAsync(http2Only: true);
        await using var gateway = await GatewayHost.StartAsync(_identity.BaseAddress, _echo.Address, new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:delivery:Destinations:d1:Address"] = h2Backend.Address.ToString(),
            ["ReverseProxy:Clusters:delivery:HttpRequest:Version"] = "2.0",
            ["ReverseProxy:Clusters:delivery:HttpRequest:VersionPolicy"] = "RequestVersionExact",
        });
        var alice = await gateway.Http.NewAccountAsync();

        for (var i = 0; i < 2; i++)
        {
            using var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer " + alice.Token);
            await socket.ConnectAsync(new UriBuilder(gateway.Address) { Scheme = "ws", Path = "/v1/stream" }.Uri, CancellationToken.None);
            await socket.SendAsync(Encoding.UTF8.GetBytes("over-h2-" + i), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[256];
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

            Assert.Equal("over-h2-" + i, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        Assert.Equal(["HTTP/2 CONNECT", "HTTP/2 CONNECT"], h2Backend.WebSocketRequests);
        Assert.Empty(_echo.WebSocketRequests);
    }

    [Fact]
    public async Task Stream_WebSocketWithoutToken_HandshakeRefused()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(_gateway.Address) { Scheme = "ws", Path = "/v1/stream" }.Uri;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        Assert.Equal(0, _echo.Hits);
    }

    [Fact]
    public async Task OversizeBody_DeclaredLength_413AtEdge()
    {
        var alice = await Http.NewAccountAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = new ByteArrayContent(new byte[1024 * 1024]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice.Token);

        await (await Http.SendAsync(request)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, _echo.Hits);
    }

    [Fact]
    public async Task RotatedSigningKey_TokenWithNewKid_AcceptedAfterJwksRefresh()
    {
        var alice = await Http.NewAccountAsync();
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me", alice.Token)).StatusCode);
        var keys = (FileSigningKeyProvider)_identity.Services.GetRequiredService<ISigningKeyProvider>();
        keys.Rotate();
        var token = await Http.LoginAsync(alice.AccountId, 1, alice.Device);

        // The gateway refetches the JWKS at most once per refresh interval (1 s here); a busy box can take longer.
        var status = HttpStatusCode.Unauthorized;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            status = (await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me", token)).StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me", alice.Token)).StatusCode);
    }
}

[Collection(GarnetCollection.Name)]
public sealed class GatewayRateLimitTests(GarnetFixture garnet)
{
    [Fact]
    public async Task Registration_OverLimitThroughGateway_429ProblemWithRetryAfter()
    {
        await using var identity = await IdentityHost.StartAsync(garnet.Connection, edge: false);
        await using var echo = await EchoBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(identity.BaseAddress, echo.Address,
            new Dictionary<string, string?> { ["Edge:RateLimits:Registration:Permits"] = "2" });
        await gateway.Http.RegisterAsync();
        await gateway.Http.RegisterAsync();
        using var device = new TestDevice();

        var refused = await gateway.Http.PostJsonAsync("/v1/accounts", new { signingKey = device.PublicKey });

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task Ready_JwksUnreachableOrNotAKeySet_503()
    {
        await using var echo = await EchoBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(echo.Address, echo.Address);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await gateway.Http.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Http.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Ready_IdentityJwksServed_200()
    {
        await using var identity = await IdentityHost.StartAsync(garnet.Connection, edge: false);
        await using var echo = await EchoBackend.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(identity.BaseAddress, echo.Address);

        // The readiness check gives identity's JWKS 2 s per probe; the first probes of cold hosts on a busy box can
        // miss that, and an orchestrator simply probes again: so does this test, until a deadline.
        var status = HttpStatusCode.ServiceUnavailable;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            status = (await gateway.Http.GetAsync("/health/ready")).StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(200);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Gateway_WithoutJwksUrl_RefusesToStart()
    {
        await using var echo = await EchoBackend.StartAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            GatewayHost.StartAsync(echo.Address, echo.Address, new Dictionary<string, string?> { ["Auth:JwksUrl"] = "" }));
    }
}
