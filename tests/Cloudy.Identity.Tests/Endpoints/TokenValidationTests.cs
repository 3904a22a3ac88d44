using System.Net;
using Cloudy.Identity.Domain;
using Cloudy.Security;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.Identity.Tests.Endpoints;

public sealed class TokenValidationTests(GarnetFixture garnet) : IdentityHostTests(garnet)
{
    public static TheoryData<string, string> ProtectedRoutes() => new()
    {
        { "GET", "/v1/accounts/me" },
        { "DELETE", "/v1/accounts/me" },
        { "GET", "/v1/devices" },
        { "POST", "/v1/devices/link-codes" },
        { "DELETE", "/v1/devices/2" },
        { "GET", "/v1/accounts/me/link" },
        { "PUT", "/v1/accounts/me/link" },
        { "POST", "/v1/accounts/me/link/rotate" },
        { "DELETE", "/v1/accounts/me/link" },
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task ProtectedRoute_NoToken_401ProblemWithBearerChallenge(string method, string path)
    {
        var response = await Http.SendAsync(new HttpMethod(method), path);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Theory]
    [MemberData(nameof(TokenForge.AllBadTokens), MemberType = typeof(TokenForge))]
    public async Task DeleteAccount_BadToken_401ProblemAndAccountKept(BadToken kind)
    {
        var owner = await Http.NewAccountAsync();
        var token = TokenForge.Forge(kind, Host.Services.GetRequiredService<ISigningKeyProvider>(), owner.AccountId, 1);

        var response = await Http.SendAsync(HttpMethod.Delete, "/v1/accounts/me", token);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.NotEmpty(AccountKeys(owner.AccountId));
    }

    [Fact]
    public async Task ProtectedRoute_ValidlySignedTokenForUnregisteredDevice_401Problem()
    {
        var owner = await Http.NewAccountAsync();
        var keys = Host.Services.GetRequiredService<ISigningKeyProvider>();

        await (await Http.SendAsync(HttpMethod.Get, "/v1/devices", TokenForge.Mint(keys, owner.AccountId, 5)))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Http.SendAsync(HttpMethod.Get, "/v1/devices", TokenForge.Mint(keys, RandomIds.NewAccountId(), 1)))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task OtherAccountsToken_ActsOnlyOnItsOwnAccount()
    {
        var alice = await Http.NewAccountAsync();
        var bob = await Http.NewAccountAsync();

        await Http.SendAsync(HttpMethod.Delete, "/v1/accounts/me", bob.Token);

        Assert.NotEmpty(AccountKeys(alice.AccountId));
        Assert.Empty(AccountKeys(bob.AccountId));
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me", alice.Token)).StatusCode);
    }

    [Fact]
    public async Task AnonymousRoutes_NoToken_NotRefusedForAuth()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/.well-known/jwks.json")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/health/live")).StatusCode);
        var openApi = await Http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/v1/auth/login", openApi, StringComparison.Ordinal);
        await (await Http.ResolveAsync("AAAAAAAAAAAAAAAAAAAAAAAA")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}

/// <summary>Identity as its own process behind the gateway: no edge policies, still validates tokens (defence in depth).</summary>
public sealed class StandaloneTokenValidationTests(GarnetFixture garnet) : IdentityHostTests(garnet)
{
    protected override bool Edge => false;

    [Fact]
    public async Task ProtectedRoute_WithoutEdgeNoToken_401Problem()
    {
        await (await Http.SendAsync(HttpMethod.Get, "/v1/devices")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task ProtectedRoute_WithoutEdgeForgedToken_401Problem()
    {
        var owner = await Http.NewAccountAsync();
        var token = TokenForge.Forge(BadToken.ForeignKeySameKid, Host.Services.GetRequiredService<ISigningKeyProvider>(), owner.AccountId, 1);

        await (await Http.SendAsync(HttpMethod.Get, "/v1/devices", token)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(HttpMethod.Get, "/v1/devices", owner.Token)).StatusCode);
    }
}
