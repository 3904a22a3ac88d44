using System.Security.Cryptography;
using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Ratchet;

/// <summary>
/// PQXDH key agreement (https://signal.org/docs/specifications/pqxdh/) and the initial Double
/// Ratchet state for each side, exactly as libsignal 0.72 computes them.
/// </summary>
internal static class Pqxdh
{
    /// <summary>Session/message version 4 = PQXDH with Kyber; version 3 (X3DH only) is refused.</summary>
    public const uint SessionVersion = 4;

    private static readonly byte[] KyberLabel = "WhisperText_X25519_SHA-256_CRYSTALS-KYBER-1024"u8.ToArray();

    public sealed record AliceParameters(
        IdentityKeyPair OurIdentity,
        ECKeyPair OurBaseKey,
        IdentityKey TheirIdentity,
        ECPublicKey TheirSignedPreKey,
        ECPublicKey? TheirOneTimePreKey,
        ECPublicKey TheirRatchetKey,
        KyberPublicKey TheirKyberPreKey);

    public sealed record BobParameters(
        IdentityKeyPair OurIdentity,
        ECKeyPair OurSignedPreKey,
        ECKeyPair? OurOneTimePreKey,
        ECKeyPair OurRatchetKey,
        KyberKeyPair OurKyberPreKey,
        IdentityKey TheirIdentity,
        ECPublicKey TheirBaseKey,
        byte[] TheirKyberCiphertext);

    /// <summary>Alice: DH1..DH4 + Kyber encapsulation; returns the session and the KEM ciphertext to send.</summary>
    public static (SessionState State, byte[] KyberCiphertext) InitializeAlice(AliceParameters p)
    {
        var secrets = new MemoryStream(32 * 6);
        secrets.Write(Discontinuity());
        secrets.Write(p.OurIdentity.PrivateKey.CalculateAgreement(p.TheirSignedPreKey));
        secrets.Write(p.OurBaseKey.PrivateKey.CalculateAgreement(p.TheirIdentity.PublicKey));
        secrets.Write(p.OurBaseKey.PrivateKey.CalculateAgreement(p.TheirSignedPreKey));
        if (p.TheirOneTimePreKey is not null)
        {
            secrets.Write(p.OurBaseKey.PrivateKey.CalculateAgreement(p.TheirOneTimePreKey));
        }
        var (kemSecret, kemCiphertext) = p.TheirKyberPreKey.Encapsulate();
        secrets.Write(kemSecret);
        var (rootKey, chainKey) = DeriveKeys(secrets);

        var sendingRatchetKey = ECKeyPair.Generate();
        var (sendingRoot, sendingChain) = RootKey.CreateChain(rootKey, p.TheirRatchetKey, sendingRatchetKey.PrivateKey);
        var state = new SessionState(SessionVersion, p.OurIdentity.IdentityKey, p.TheirIdentity, sendingRoot, p.OurBaseKey.PublicKey.Serialize());
        state.AddReceiverChain(p.TheirRatchetKey, chainKey);
        state.SetSenderChain(sendingRatchetKey, sendingChain);
        return (state, kemCiphertext);
    }

    /// <summary>Bob: the mirror image of <see cref="InitializeAlice"/>, decapsulating Alice's KEM ciphertext.</summary>
    public static SessionState InitializeBob(BobParameters p)
    {
        var secrets = new MemoryStream(32 * 6);
        secrets.Write(Discontinuity());
        secrets.Write(p.OurSignedPreKey.PrivateKey.CalculateAgreement(p.TheirIdentity.PublicKey));
        secrets.Write(p.OurIdentity.PrivateKey.CalculateAgreement(p.TheirBaseKey));
        secrets.Write(p.OurSignedPreKey.PrivateKey.CalculateAgreement(p.TheirBaseKey));
        if (p.OurOneTimePreKey is not null)
        {
            secrets.Write(p.OurOneTimePreKey.PrivateKey.CalculateAgreement(p.TheirBaseKey));
        }
        secrets.Write(p.OurKyberPreKey.SecretKey.Decapsulate(p.TheirKyberCiphertext));
        var (rootKey, chainKey) = DeriveKeys(secrets);

        var state = new SessionState(SessionVersion, p.OurIdentity.IdentityKey, p.TheirIdentity, rootKey, p.TheirBaseKey.Serialize());
        state.SetSenderChain(p.OurRatchetKey, chainKey);
        return state;
    }

    /// <summary>32 bytes of 0xFF prefixed to the DH outputs ("discontinuity bytes", per XEdDSA/X3DH for curve25519).</summary>
    private static byte[] Discontinuity() => Enumerable.Repeat((byte)0xFF, 32).ToArray();

    private static (byte[] RootKey, ChainKey ChainKey) DeriveKeys(MemoryStream secrets)
    {
        var ikm = secrets.ToArray();
        var okm = Primitives.Hkdf(ikm, [], KyberLabel, 64);
        CryptographicOperations.ZeroMemory(ikm);
        CryptographicOperations.ZeroMemory(secrets.GetBuffer());
        return (okm[..32], new ChainKey(okm[32..64], 0));
    }
}
