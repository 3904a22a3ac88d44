using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;

namespace Cloudy.Protocol.Crypto;

/// <summary>
/// Kyber1024 (CRYSTALS-Kyber round 3, NIST PQC submission v3.02) — the KEM libsignal 0.72 uses for
/// PQXDH (key type 0x08) — built on BouncyCastle's ML-KEM-1024.
/// </summary>
/// <remarks>
/// Kyber r3 and ML-KEM share key and ciphertext formats and the inner IND-CPA scheme. They differ in
/// the final key derivation: Kyber r3 returns <c>SHAKE256(K' || SHA3-256(c))</c> where ML-KEM returns
/// <c>K'</c> itself (and in hashing the encapsulation randomness, which is uniform either way).
/// So Kyber's shared secret = SHAKE256(ML-KEM secret || SHA3-256(ciphertext), 32). Key generation
/// differs only in domain separation of the seed, which does not matter for freshly random keys.
/// </remarks>
internal static class Kyber1024
{
    public const int PublicKeyLength = 1568;
    public const int SecretKeyLength = 3168;
    public const int CiphertextLength = 1568;
    public const int SharedSecretLength = 32;

    private static readonly MLKemParameters Parameters = MLKemParameters.ml_kem_1024;

    // Straight from the OS CSPRNG (.NET RandomNumberGenerator), not BouncyCastle's default
    // SecureRandom, a SHA-256 DRBG seeded per instance; thread-safe, so one instance serves all.
    private static readonly SecureRandom Random = new(new CryptoApiRandomGenerator());

    public static (byte[] PublicKey, byte[] SecretKey) Generate()
    {
        var generator = new MLKemKeyPairGenerator();
        generator.Init(new MLKemKeyGenerationParameters(Random, Parameters));
        var pair = generator.GenerateKeyPair();
        var pub = ((MLKemPublicKeyParameters)pair.Public).GetEncoded();
        var priv = ((MLKemPrivateKeyParameters)pair.Private).WithPreferredFormat(MLKemPrivateKeyParameters.Format.EncodingOnly).GetEncoded();
        return (pub, priv);
    }

    public static (byte[] SharedSecret, byte[] Ciphertext) Encapsulate(byte[] publicKey)
    {
        MLKemPublicKeyParameters pub;
        try
        {
            pub = MLKemPublicKeyParameters.FromEncoding(Parameters, publicKey);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidKeyException("invalid Kyber1024 public key", e);
        }
        var encapsulator = new MLKemEncapsulator(Parameters);
        encapsulator.Init(new ParametersWithRandom(pub, Random));
        var ciphertext = new byte[encapsulator.EncapsulationLength];
        var mlkemSecret = new byte[encapsulator.SecretLength];
        encapsulator.Encapsulate(ciphertext, 0, ciphertext.Length, mlkemSecret, 0, mlkemSecret.Length);
        return (KyberKdf(mlkemSecret, ciphertext), ciphertext);
    }

    public static byte[] Decapsulate(byte[] secretKey, byte[] ciphertext)
    {
        if (ciphertext.Length != CiphertextLength)
        {
            throw new InvalidMessageException("Kyber1024 ciphertext has the wrong length");
        }
        MLKemPrivateKeyParameters priv;
        try
        {
            priv = MLKemPrivateKeyParameters.FromEncoding(Parameters, secretKey);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidKeyException("invalid Kyber1024 secret key", e);
        }
        var decapsulator = new MLKemDecapsulator(Parameters);
        decapsulator.Init(priv);
        var mlkemSecret = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(ciphertext, 0, ciphertext.Length, mlkemSecret, 0, mlkemSecret.Length);
        return KyberKdf(mlkemSecret, ciphertext);
    }

    private static byte[] KyberKdf(byte[] mlkemSecret, byte[] ciphertext)
    {
        var ctHash = new byte[32];
        var sha3 = new Sha3Digest(256);
        sha3.BlockUpdate(ciphertext, 0, ciphertext.Length);
        sha3.DoFinal(ctHash, 0);
        var shake = new ShakeDigest(256);
        shake.BlockUpdate(mlkemSecret, 0, mlkemSecret.Length);
        shake.BlockUpdate(ctHash, 0, ctHash.Length);
        var result = new byte[SharedSecretLength];
        shake.OutputFinal(result, 0, result.Length);
        CryptographicOperations.ZeroMemory(mlkemSecret);
        return result;
    }
}
