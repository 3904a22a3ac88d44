using System.Security.Cryptography;
using Cloudy.Identity.Tokens;
using Cloudy.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Identity.Tests.Rules;

public sealed class TokenAndKeyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cloudy-keys-").FullName;

    private AuthOptions Options => new() { SigningKeyPath = Path.Combine(_dir, "signing-keys.json") };

    [Fact]
    public async Task Issue_ValidDevice_TokenCarriesAccountDeviceAndStandardClaims()
    {
        var keys = new FileSigningKeyProvider(Options, NullLogger<FileSigningKeyProvider>.Instance);
        var clock = new ManualClock();
        var issued = new TokenIssuer(keys, Options, clock).Issue("AAECAwQFBgcICQoLDA0ODw", 3);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(issued.Token, new TokenValidationParameters
        {
            ValidIssuer = "cloudy",
            ValidAudience = "cloudy",
            IssuerSigningKeys = keys.ValidationKeys,
            ValidAlgorithms = ["ES256"],
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("AAECAwQFBgcICQoLDA0ODw", jwt.Subject);
        Assert.Equal("3", jwt.GetClaim("dev").Value);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal(keys.PublicKeys[0].Kid, jwt.Kid);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(TimeSpan.FromMinutes(10), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal(issued.ExpiresAt.UtcDateTime, jwt.ValidTo);
    }

    [Fact]
    public void Provider_Restarted_LoadsSameKeyFromFileReadableByOwnerOnly()
    {
        var first = new FileSigningKeyProvider(Options, NullLogger<FileSigningKeyProvider>.Instance);
        var second = new FileSigningKeyProvider(Options, NullLogger<FileSigningKeyProvider>.Instance);

        Assert.Equal(first.PublicKeys[0], second.PublicKeys[0]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Options.SigningKeyPath!));
        }
    }

    [Fact]
    public void Rotate_NewKeySigns_OldKeyStillPublishedForLiveTokens()
    {
        var keys = new FileSigningKeyProvider(Options, NullLogger<FileSigningKeyProvider>.Instance);
        var oldKid = keys.PublicKeys[0].Kid;

        var newKid = keys.Rotate();

        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(newKid, keys.Current.Key.KeyId);
        Assert.Equal([newKid, oldKid], keys.PublicKeys.Select(k => k.Kid));
        Assert.Equal([newKid, oldKid], new FileSigningKeyProvider(Options, NullLogger<FileSigningKeyProvider>.Instance).PublicKeys.Select(k => k.Kid));
    }

    [Fact]
    public void Provider_PemFile_LoadsSingleKeyWithThumbprintKid()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(_dir, "key.pem");
        File.WriteAllText(path, ecdsa.ExportECPrivateKeyPem());

        var keys = new FileSigningKeyProvider(new AuthOptions { SigningKeyPath = path }, NullLogger<FileSigningKeyProvider>.Instance);

        Assert.Single(keys.PublicKeys);
        Assert.Equal(43, keys.PublicKeys[0].Kid.Length);
        Assert.Equal("P-256", keys.PublicKeys[0].Crv);
    }

    [Fact]
    public void Jwks_Published_HoldsNoPrivateScalar()
    {
        var keys = new FileSigningKeyProvider(Options, NullLogger<FileSigningKeyProvider>.Instance);

        var json = System.Text.Encoding.UTF8.GetString(JwksWriter.ToUtf8Json(keys));

        Assert.Contains(keys.PublicKeys[0].Kid, json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d\"", json, StringComparison.Ordinal);
        Assert.Contains("\"d\"", File.ReadAllText(Options.SigningKeyPath!), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
