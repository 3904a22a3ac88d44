using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Cloudy.Presence.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Presence.Tests;

/// <summary>Every presence endpoint refuses missing, forged, expired and incomplete tokens with a 401 problem.</summary>
[Collection(PresenceCollection.Name)]
public sealed class AuthTests(GarnetPresenceHost host)
{
    public enum TokenKind
    {
        Missing,
        Garbage,
        Expired,
        ForeignKey,
        NoDeviceClaim,
        AlgNone,
        MalformedAccountClaim,
    }

    public static TheoryData<TokenKind, string, string> Cases()
    {
        var data = new TheoryData<TokenKind, string, string>();
        foreach (var kind in Enum.GetValues<TokenKind>())
        {
            data.Add(kind, "GET", "/v1/presence/settings");
            data.Add(kind, "PUT", "/v1/presence/settings");
            data.Add(kind, "POST", "/v1/presence/watch");
            data.Add(kind, "GET", "/v1/presence/AAAAAAAAAAAAAAAAAAAAAA");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Endpoint_BadToken_401ProblemAndNothingWritten(TokenKind kind, string method, string path)
    {
        var account = PresenceHostFixture.NewAccountId();
        using var client = host.Client(Token(kind, account));
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = JsonContent.Create(new { visibility = "everyone", accountIds = new[] { "AAAAAAAAAAAAAAAAAAAAAA" } });
        }

        using var response = await client.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Empty(host.StoreServer.Keys(pattern: $"pr:{{{account}}}*"));
        Assert.Null(await host.Db.SortedSetScoreAsync("pr:{AAAAAAAAAAAAAAAAAAAAAA}:watchers", account));
    }

    private string? Token(TokenKind kind, string account)
    {
        switch (kind)
        {
            case TokenKind.Missing:
                return null;
            case TokenKind.Garbage:
                return "not-a-jwt";
            case TokenKind.Expired:
                return host.Token(account, expires: DateTimeOffset.UtcNow.AddMinutes(-5));
            case TokenKind.ForeignKey:
                var foreign = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "foreign" };
                return host.Token(account, credentials: new SigningCredentials(foreign, SecurityAlgorithms.EcdsaSha256));
            case TokenKind.NoDeviceClaim:
                return host.Token(account, deviceId: null);
            case TokenKind.AlgNone:
                var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}");
                var payload = Base64UrlEncoder.Encode(
                    $"{{\"sub\":\"{account}\",\"dev\":1,\"iss\":\"cloudy\",\"aud\":\"cloudy\",\"exp\":{DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds()}}}");
                return header + "." + payload + ".";
            default:
                return host.Token("pr:{" + account + "}*");
        }
    }
}
