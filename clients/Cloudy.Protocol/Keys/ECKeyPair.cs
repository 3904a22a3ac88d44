using Cloudy.Protocol.Crypto;

namespace Cloudy.Protocol.Keys;

/// <summary>A Curve25519 key pair.</summary>
public sealed record ECKeyPair(ECPublicKey PublicKey, ECPrivateKey PrivateKey)
{
    /// <summary>Fresh key pair from the OS CSPRNG.</summary>
    public static ECKeyPair Generate()
    {
        var priv = new ECPrivateKey(X25519.GeneratePrivateKey());
        return new ECKeyPair(priv.PublicKey, priv);
    }
}
