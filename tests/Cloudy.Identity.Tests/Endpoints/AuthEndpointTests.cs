using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cloudy.Contracts.Identity;
using Cloudy.Identity.Domain;
using Cloudy.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cloudy.Identity.Tests.Endpoints;

public sealed class AuthEndpointTests(GarnetFixture garnet) : IdentityHostTests(garnet)
{
    [Fact]
    public async Task Login_SignedChallenge_ReturnsShortLivedTokenWithAccountAndDeviceClaims()
    {
        var (accountId, device) = await Http.RegisterAsync();
        var nonce = await Http.ChallengeAsync(accountId, 1);

        var response = await Http.AnswerAsync(accountId, 1, nonce, device.Sign(LoginMessage.Build(nonce, accountId, 1)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        var jwt = new JsonWebToken(body.GetProperty("accessToken").GetString());
        Assert.Equal(accountId, jwt.Subject);
        Assert.Equal("1", jwt.GetClaim("dev").Value);
        Assert.Equal("cloudy", jwt.Issuer);
        Assert.Equal(["cloudy"], jwt.Audiences);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal(Host.Services.GetRequiredService<ISigningKeyProvider>().PublicKeys[0].Kid, jwt.Kid);
        Assert.InRange(jwt.ValidTo - DateTime.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10.1));
    }

    [Fact]
    public async Task Login_ReplayedAnswer_401Problem()
    {
        var (accountId, device) = await Http.RegisterAsync();
        var nonce = await Http.ChallengeAsync(accountId, 1);
        var signature = device.Sign(LoginMessage.Build(nonce, accountId, 1));
        Assert.Equal(HttpStatusCode.OK, (await Http.AnswerAsync(accountId, 1, nonce, signature)).StatusCode);

        var replay = await Http.AnswerAsync(accountId, 1, nonce, signature);

        await replay.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_ConcurrentAnswersToOneChallenge_ExactlyOneToken()
    {
        var (accountId, device) = await Http.RegisterAsync();
        var nonce = await Http.ChallengeAsync(accountId, 1);
        var signature = device.Sign(LoginMessage.Build(nonce, accountId, 1));

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Http.AnswerAsync(accountId, 1, nonce, signature)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Login_ExpiredChallenge_401Problem()
    {
        var (accountId, device) = await Http.RegisterAsync();
        var nonce = await Http.ChallengeAsync(accountId, 1);
        Host.Clock.Advance(TimeSpan.FromSeconds(61));

        var response = await Http.AnswerAsync(accountId, 1, nonce, device.Sign(LoginMessage.Build(nonce, accountId, 1)));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_NonceNeverIssued_401Problem()
    {
        var (accountId, device) = await Http.RegisterAsync();
        var nonce = new byte[32];

        var response = await Http.AnswerAsync(accountId, 1, nonce, device.Sign(LoginMessage.Build(nonce, accountId, 1)));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_BadSignature_401AndChallengeStaysUsable()
    {
        var (accountId, device) = await Http.RegisterAsync();
        using var other = new TestDevice();
        var nonce = await Http.ChallengeAsync(accountId, 1);
        var before = IdentityKeys();

        var forged = await Http.AnswerAsync(accountId, 1, nonce, other.Sign(LoginMessage.Build(nonce, accountId, 1)));

        await forged.AssertProblemAsync(HttpStatusCode.Unauthorized);
        AssertNothingWritten(before);
        var genuine = await Http.AnswerAsync(accountId, 1, nonce, device.Sign(LoginMessage.Build(nonce, accountId, 1)));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    [Fact]
    public async Task Login_SignatureOverOtherAccountOrDeviceOrLabel_401Problem()
    {
        var (accountId, device) = await Http.RegisterAsync();
        var (otherAccount, _) = await Http.RegisterAsync();
        var nonce = await Http.ChallengeAsync(accountId, 1);

        await (await Http.AnswerAsync(accountId, 1, nonce, device.Sign(LoginMessage.Build(nonce, otherAccount, 1))))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Http.AnswerAsync(accountId, 1, nonce, device.Sign(LoginMessage.Build(nonce, accountId, 2))))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Http.AnswerAsync(accountId, 1, nonce, device.Sign(nonce)))
            .AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_ChallengeIssuedToAnotherDevice_401Problem()
    {
        var owner = await Http.NewAccountAsync();
        var second = await Http.LinkDeviceAsync(owner);
        var nonceForFirst = await Http.ChallengeAsync(owner.AccountId, 1);

        var response = await Http.AnswerAsync(owner.AccountId, second.DeviceId, nonceForFirst,
            second.Device.Sign(LoginMessage.Build(nonceForFirst, owner.AccountId, second.DeviceId)));

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Challenge_UnknownAccountOrDevice_404ProblemNothingWritten()
    {
        var (accountId, _) = await Http.RegisterAsync();
        var before = IdentityKeys();

        await (await Http.PostJsonAsync("/v1/auth/challenge", new { accountId = RandomIds.NewAccountId(), deviceId = 1 }))
            .AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Http.PostJsonAsync("/v1/auth/challenge", new { accountId, deviceId = 2 }))
            .AssertProblemAsync(HttpStatusCode.NotFound);

        AssertNothingWritten(before);
    }

    [Fact]
    public async Task Challenge_TooManyPending_429Problem()
    {
        var (accountId, _) = await Http.RegisterAsync();
        for (var i = 0; i < 16; i++)
        {
            await Http.ChallengeAsync(accountId, 1);
        }

        var response = await Http.PostJsonAsync("/v1/auth/challenge", new { accountId, deviceId = 1 });

        await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Challenge_PendingOnesExpired_PrunedAndNewOneIssued()
    {
        var (accountId, _) = await Http.RegisterAsync();
        for (var i = 0; i < 16; i++)
        {
            await Http.ChallengeAsync(accountId, 1);
        }

        Host.Clock.Advance(TimeSpan.FromSeconds(61));

        var response = await Http.PostJsonAsync("/v1/auth/challenge", new { accountId, deviceId = 1 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await Garnet.Connection.GetDatabase().HashLengthAsync($"id:{{{accountId}}}:challenges"));
    }

    [Fact]
    public async Task Jwks_Anonymous_ServesPublicKeysWithKidAndNoPrivateMembers()
    {
        var response = await Http.GetAsync("/.well-known/jwks.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var key = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray());
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.Equal("ES256", key.GetProperty("alg").GetString());
        Assert.Equal(Host.Services.GetRequiredService<ISigningKeyProvider>().PublicKeys[0].Kid, key.GetProperty("kid").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }
}
