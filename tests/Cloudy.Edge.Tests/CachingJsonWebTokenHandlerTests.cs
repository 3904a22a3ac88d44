using System.Security.Cryptography;
using Cloudy.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Edge.Tests;

/// <summary>The validated-token cache in front of ES256 validation (real keys, real signatures).</summary>
public sealed class CachingJsonWebTokenHandlerTests : IDisposable
{
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsaSecurityKey _key;
    private readonly TokenValidationParameters _parameters;

    public CachingJsonWebTokenHandlerTests()
    {
        _key = new ECDsaSecurityKey(_ec) { KeyId = "k1" };
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = "cloudy",
            ValidAudience = "cloudy",
            IssuerSigningKey = _key,
            ValidAlgorithms = ["ES256"],
            ClockSkew = TimeSpan.Zero,
        };
    }

    [Fact]
    public async Task ValidateTokenAsync_SameValidTokenTwice_SecondAnsweredFromCache()
    {
        var handler = new CachingJsonWebTokenHandler();
        var token = Mint(_key, TimeSpan.FromMinutes(10));

        var first = await handler.ValidateTokenAsync(token, _parameters);
        var second = await handler.ValidateTokenAsync(token, _parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, handler.Hits);
        Assert.Equal("acct-1", second.ClaimsIdentity.FindFirst("acc")?.Value);
    }

    [Fact]
    public async Task ValidateTokenAsync_ForgedSignature_RefusedEveryTimeAndNeverCached()
    {
        var handler = new CachingJsonWebTokenHandler();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Mint(new ECDsaSecurityKey(other) { KeyId = "k1" }, TimeSpan.FromMinutes(10));

        Assert.False((await handler.ValidateTokenAsync(forged, _parameters)).IsValid);
        Assert.False((await handler.ValidateTokenAsync(forged, _parameters)).IsValid);
        Assert.Equal(0, handler.Hits);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task ValidateTokenAsync_CachedTokenPastItsExpiry_ValidatedAgainAndRefused()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var handler = new CachingJsonWebTokenHandler(clock);
        // exp is whole seconds (rounded down), so a 3 s lifetime leaves at least 2 s for the first, cold validation.
        var token = Mint(_key, TimeSpan.FromSeconds(3));
        Assert.True((await handler.ValidateTokenAsync(token, _parameters)).IsValid);

        clock.Now += TimeSpan.FromSeconds(4);   // the cache's clock says expired: no hit
        var expires = new JsonWebToken(token).ValidTo;   // and the library's own (real) clock must agree
        var wait = expires.AddMilliseconds(1100) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        Assert.False((await handler.ValidateTokenAsync(token, _parameters)).IsValid);
        Assert.Equal(0, handler.Hits);
    }

    [Fact]
    public async Task ValidateTokenAsync_TamperedPayloadOfCachedToken_NotServedFromCache()
    {
        var handler = new CachingJsonWebTokenHandler();
        var token = Mint(_key, TimeSpan.FromMinutes(10));
        Assert.True((await handler.ValidateTokenAsync(token, _parameters)).IsValid);
        var parts = token.Split('.');
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode("{\"iss\":\"cloudy\",\"aud\":\"cloudy\",\"acc\":\"acct-2\",\"exp\":4102444800}")}.{parts[2]}";

        var result = await handler.ValidateTokenAsync(tampered, _parameters);

        Assert.False(result.IsValid);
        Assert.Equal(0, handler.Hits);
    }

    [Fact]
    public async Task ValidateTokenAsync_MoreTokensThanCapacity_StaysBounded()
    {
        var handler = new CachingJsonWebTokenHandler(capacity: 4);

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await handler.ValidateTokenAsync(Mint(_key, TimeSpan.FromMinutes(10), $"acct-{i}"), _parameters)).IsValid);
        }

        Assert.InRange(handler.Count, 1, 4);
    }

    public void Dispose() => _ec.Dispose();

    private static string Mint(SecurityKey key, TimeSpan lifetime, string account = "acct-1") => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "cloudy",
        Audience = "cloudy",
        NotBefore = DateTime.UtcNow.AddSeconds(-5),
        Expires = DateTime.UtcNow.Add(lifetime),
        Claims = new Dictionary<string, object> { ["acc"] = account, ["dev"] = 1 },
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
    });

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
