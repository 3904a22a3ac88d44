using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Security;

/// <summary>
/// Reads a bare JWK set (identity's <c>/.well-known/jwks.json</c>) as the signing-key part of an
/// OpenID configuration, so JwtBearer's own <c>ConfigurationManager</c> does the caching and the
/// refresh when a token names an unknown <c>kid</c>.
/// </summary>
internal sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
{
    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var json = await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false);
        var set = new JsonWebKeySet(json);
        var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = set };
        foreach (var key in set.Keys.Where(k => k.Kty == "EC" && k.Use is null or "sig"))
        {
            configuration.SigningKeys.Add(key);
        }

        return configuration;
    }
}

/// <summary>
/// Serves the in-process <see cref="ISigningKeyProvider"/> keys (embedded mode, and identity
/// itself) through the same configuration-manager seam the JWKS path uses.
/// </summary>
internal sealed class LocalKeyConfigurationManager(IServiceProvider services) : IConfigurationManager<OpenIdConnectConfiguration>
{
    // Resolved lazily: the provider is registered by whichever of identity/security comes first.
    private ISigningKeyProvider Provider => (ISigningKeyProvider)services.GetService(typeof(ISigningKeyProvider))!;

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var configuration = new OpenIdConnectConfiguration();
        foreach (var key in Provider.ValidationKeys)
        {
            configuration.SigningKeys.Add(key);
        }

        return Task.FromResult(configuration);
    }

    // Keys are read from the provider on every call, so there is nothing to refresh.
    public void RequestRefresh()
    {
    }
}
