using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Cloudy.Identity.Tests;

namespace Cloudy.Edge.Tests;

public sealed class EdgePolicyTests : IAsyncLifetime
{
    private EdgeHost _host = null!;

    public async Task InitializeAsync() => _host = await EdgeHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task StripHeaders_ClientSuppliedIdentityHeaders_NeverReachTheEndpoint()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/echo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Token());
        request.Headers.Add("X-Cloudy-Account", "victim");
        request.Headers.Add("x-cloudy-device", "1");
        request.Headers.Add("X-Forwarded-User", "admin");
        request.Headers.Add("X-Forwarded-Email", "a@b");
        request.Headers.Add("Remote-User", "admin");
        request.Headers.Add("X-Auth-Request-User", "admin");
        request.Headers.Add("X-User-Id", "admin");
        request.Headers.Add("X-Account-Id", "victim");
        request.Headers.Add("X-Request-Id", "keep-me");

        var headers = await (await _host.Http.SendAsync(request)).Content.ReadFromJsonAsync<Dictionary<string, string>>();

        Assert.NotNull(headers);
        Assert.Equal("keep-me", headers["x-request-id"]);
        Assert.DoesNotContain(headers.Keys, k => k.StartsWith("x-cloudy", StringComparison.Ordinal)
            || k is "x-forwarded-user" or "x-forwarded-email" or "remote-user" or "x-auth-request-user" or "x-user-id" or "x-account-id");
    }

    [Fact]
    public async Task ProtectedRoute_NoToken_401ProblemAndEndpointNotReached()
    {
        var response = await _host.GetAsync("/v1/echo");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, _host.Hits);
    }

    [Theory]
    [MemberData(nameof(TokenForge.AllBadTokens), MemberType = typeof(TokenForge))]
    public async Task ProtectedRoute_BadToken_401ProblemAndEndpointNotReached(BadToken kind)
    {
        var response = await _host.GetAsync("/v1/echo", TokenForge.Forge(kind, _host.Keys, "AAECAwQFBgcICQoLDA0ODw", 1));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(0, _host.Hits);
    }

    [Fact]
    public async Task ProtectedRoute_ValidToken_Served()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.GetAsync("/v1/echo", _host.Token())).StatusCode);
    }

    [Fact]
    public async Task StricterPolicy_ValidTokenWithoutRequiredClaim_403Problem()
    {
        var response = await _host.GetAsync("/v1/admin", _host.Token());

        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnonymousRoutes_NoToken_Served()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _host.Http.PostAsync("/v1/accounts", null)).StatusCode);
        await (await _host.ResolveAsync()).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnknownRoute_NoToken_401SoRoutesAreNotDiscoverable()
    {
        await (await _host.GetAsync("/v1/nothing-here")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Body_DeclaredOverLimit_413ProblemBeforeTheEndpoint()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/upload") { Content = new ByteArrayContent(new byte[256 * 1024 + 1]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Token());

        var response = await _host.Http.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, _host.Hits);
    }

    [Fact]
    public async Task Body_AtLimit_Accepted()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/upload") { Content = new ByteArrayContent(new byte[256 * 1024]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Token());

        var response = await _host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(256 * 1024, await response.Content.ReadFromJsonAsync<long>());
    }

    [Fact]
    public async Task Body_ChunkedOverLimit_CutOffWith413()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/upload") { Content = new StreamContent(new MemoryStream(new byte[400 * 1024])) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _host.Token());
        request.Headers.TransferEncodingChunked = true;

        var response = await _host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}

public sealed class EdgeRateLimitTests
{
    private const string Alice = "AAECAwQFBgcICQoLDA0ODw";
    private const string Bob = "AQECAwQFBgcICQoLDA0ODw";

    [Fact]
    public async Task PerClient_OverLimit_429ProblemWithRetryAfter()
    {
        await using var host = await EdgeHost.StartAsync(new Dictionary<string, string?> { ["Edge:RateLimits:PerClient:Permits"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/health/live")).StatusCode);
        }

        var refused = await host.GetAsync("/health/live");

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task PerAccount_OverLimit_429ForThatAccountOnly()
    {
        await using var host = await EdgeHost.StartAsync(new Dictionary<string, string?> { ["Edge:RateLimits:PerAccount:Permits"] = "2" });
        var aliceToken = host.Token(Alice);
        var aliceSecondDevice = host.Token(Alice, 2);

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/echo", aliceToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/echo", aliceSecondDevice)).StatusCode);

        await (await host.GetAsync("/v1/echo", aliceToken)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/v1/echo", host.Token(Bob))).StatusCode);
    }

    [Fact]
    public async Task Registration_OverItsBucket_429WhileOtherRoutesStillServed()
    {
        await using var host = await EdgeHost.StartAsync(new Dictionary<string, string?>
        {
            ["Edge:RateLimits:Registration:Permits"] = "2",
            ["Edge:RateLimits:Registration:Window"] = "01:00:00",
        });
        Assert.Equal(HttpStatusCode.Created, (await host.Http.PostAsync("/v1/accounts", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await host.Http.PostAsync("/v1/accounts", null)).StatusCode);

        var refused = await host.Http.PostAsync("/v1/accounts", null);

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(refused.Headers.RetryAfter!.Delta!.Value > TimeSpan.FromMinutes(59));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task LinkResolve_PerClientOverLimit_429()
    {
        await using var host = await EdgeHost.StartAsync(new Dictionary<string, string?> { ["Edge:RateLimits:LinkResolve:Permits"] = "3" });
        for (var i = 0; i < 3; i++)
        {
            await (await host.ResolveAsync()).AssertProblemAsync(HttpStatusCode.NotFound);
        }

        await (await host.ResolveAsync()).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        await (await host.ResolveAsync(host.Token(Alice))).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task LinkResolve_PerAccountOverLimit_429ForThatAccountWhileAnonymousStillServed()
    {
        await using var host = await EdgeHost.StartAsync(new Dictionary<string, string?> { ["Edge:RateLimits:LinkResolvePerAccount:Permits"] = "2" });
        var alice = host.Token(Alice);
        await (await host.ResolveAsync(alice)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await host.ResolveAsync(alice)).AssertProblemAsync(HttpStatusCode.NotFound);

        await (await host.ResolveAsync(alice)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
        await (await host.ResolveAsync()).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await host.ResolveAsync(host.Token(Bob))).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BodyLimitOverride_LargerLimitForPath_Accepted()
    {
        await using var host = await EdgeHost.StartAsync(new Dictionary<string, string?> { ["Edge:BodyLimitOverrides:/v1/upload"] = "1048576" });
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/upload") { Content = new ByteArrayContent(new byte[512 * 1024]) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Token());

        Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task StrippedHeaders_ConfiguredExtraPrefix_AlsoRemoved()
    {
        await using var host = await EdgeHost.StartAsync(new Dictionary<string, string?> { ["Edge:StrippedHeaderPrefixes:0"] = "X-Tenant" });
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/echo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.Token());
        request.Headers.Add("X-Tenant-Id", "t1");
        request.Headers.Add("X-Cloudy-Account", "victim");

        var headers = await (await host.Http.SendAsync(request)).Content.ReadFromJsonAsync<Dictionary<string, string>>();

        Assert.DoesNotContain("x-tenant-id", headers!.Keys);
        Assert.DoesNotContain("x-cloudy-account", headers.Keys);
    }
}

public sealed class EdgeClientAddressTests
{
    [Fact]
    public async Task ForwardedFor_FromUntrustedPeer_IgnoredSoClientsCannotPickTheirPartition()
    {
        await using var host = await EdgeHost.StartAsync(new Dictionary<string, string?> { ["Edge:RateLimits:PerClient:Permits"] = "2" });

        Assert.Equal(HttpStatusCode.OK, (await Forwarded(host, "10.0.0.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Forwarded(host, "10.0.0.2")).StatusCode);

        await (await Forwarded(host, "10.0.0.3")).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task ForwardedFor_FromTrustedProxy_PartitionsByTheForwardedClient()
    {
        await using var host = await EdgeHost.StartAsync(new Dictionary<string, string?>
        {
            ["Edge:RateLimits:PerClient:Permits"] = "2",
            ["Edge:TrustedProxies:0"] = "127.0.0.0/8",
        });

        Assert.Equal(HttpStatusCode.OK, (await Forwarded(host, "10.0.0.1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Forwarded(host, "10.0.0.1")).StatusCode);
        await (await Forwarded(host, "10.0.0.1")).AssertProblemAsync(HttpStatusCode.TooManyRequests);

        Assert.Equal(HttpStatusCode.OK, (await Forwarded(host, "10.0.0.2")).StatusCode);
    }

    private static Task<HttpResponseMessage> Forwarded(EdgeHost host, string client)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("X-Forwarded-For", client);
        return host.Http.SendAsync(request);
    }
}
