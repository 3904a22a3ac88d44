using System.Text.Json;

namespace Cloudy.Security;

/// <summary>Serializes the public signing keys as a JWK set document.</summary>
public static class JwksWriter
{
    /// <summary>The JWKS JSON (public members only) for <paramref name="provider"/>.</summary>
    public static byte[] ToUtf8Json(ISigningKeyProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return JsonSerializer.SerializeToUtf8Bytes(new JwksDocument(provider.PublicKeys), SecurityJsonContext.Default.JwksDocument);
    }
}
