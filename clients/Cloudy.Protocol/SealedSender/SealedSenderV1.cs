using System.Security.Cryptography;
using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.SealedSender;

/// <summary>
/// Sealed sender v1 (one recipient), libsignal 0.72.1's <c>sealed_sender_encrypt_from_usmc</c>
/// and the v1 branch of <c>sealed_sender_decrypt_to_usmc</c>:
/// <code>
/// E = fresh key pair
/// chain ‖ eCipher ‖ eMac = HKDF-SHA256(salt = "UnidentifiedDelivery" ‖ R.pub ‖ E.pub, ikm = DH(E, R), info = "", 96)
/// encryptedStatic       = AES-256-CTR(eCipher, S.pub) ‖ HMAC-SHA256(eMac, ·)[..10]
/// _ ‖ sCipher ‖ sMac    = HKDF-SHA256(salt = chain ‖ encryptedStatic, ikm = DH(S, R), info = "", 96)
/// encryptedMessage      = AES-256-CTR(sCipher, content) ‖ HMAC-SHA256(sMac, ·)[..10]
/// wire = 0x11 ‖ protobuf {1: E.pub (33), 2: encryptedStatic, 3: encryptedMessage}
/// </code>
/// (S = the sender's identity, R = the recipient's; public keys in their 33-byte form.)
/// </summary>
internal static class SealedSenderV1
{
    /// <summary>(required version 1 &lt;&lt; 4) | current version 1.</summary>
    public const byte Version = 0x11;

    private static readonly byte[] SaltPrefix = "UnidentifiedDelivery"u8.ToArray();

    public static byte[] Encrypt(UnidentifiedSenderMessageContent content, IdentityKeyPair sender, IdentityKey recipient)
    {
        var ephemeral = ECKeyPair.Generate();
        var ephemeralKeys = EphemeralKeys(ephemeral.PrivateKey, recipient.PublicKey, recipient.PublicKey, ephemeral.PublicKey);
        try
        {
            var encryptedStatic = SealedSenderCiphers.CtrHmacEncrypt(sender.PublicKey.Serialize(), ephemeralKeys.AsSpan(32, 32), ephemeralKeys.AsSpan(64, 32));
            var staticKeys = StaticKeys(sender.PrivateKey, recipient.PublicKey, ephemeralKeys.AsSpan(0, 32), encryptedStatic);
            try
            {
                var encryptedMessage = SealedSenderCiphers.CtrHmacEncrypt(content.SerializedSpan, staticKeys.AsSpan(32, 32), staticKeys.AsSpan(64, 32));
                var body = new ProtoWriter()
                    .WriteBytes(1, ephemeral.PublicKey.Serialize())
                    .WriteBytes(2, encryptedStatic)
                    .WriteBytes(3, encryptedMessage)
                    .ToArray();
                var result = new byte[1 + body.Length];
                result[0] = Version;
                body.CopyTo(result, 1);
                return result;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(staticKeys);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ephemeralKeys);
        }
    }

    /// <summary>Opens a v1 message (everything after the version byte) with our identity.</summary>
    public static UnidentifiedSenderMessageContent Decrypt(ReadOnlyMemory<byte> body, IdentityKeyPair us)
    {
        var (ephemeralPublic, encryptedStatic, encryptedMessage) = SealedSenderProto.Decode(body, fields => (
            ECPublicKey.Deserialize(SealedSenderProto.RequiredBytes(fields, 1)),
            SealedSenderProto.RequiredBytes(fields, 2),
            SealedSenderProto.RequiredBytes(fields, 3)), e => new InvalidSealedSenderMessageException("malformed sealed sender v1 message", e));

        byte[]? ephemeralKeys = null;
        byte[]? staticKeys = null;
        try
        {
            ephemeralKeys = EphemeralKeys(us.PrivateKey, ephemeralPublic, us.PublicKey, ephemeralPublic);
            var senderKeyBytes = SealedSenderCiphers.CtrHmacDecrypt(encryptedStatic, ephemeralKeys.AsSpan(32, 32), ephemeralKeys.AsSpan(64, 32))
                ?? throw new InvalidSealedSenderMessageException("failed to decrypt sealed sender v1 message key");
            var senderKey = ECPublicKey.Deserialize(senderKeyBytes);
            staticKeys = StaticKeys(us.PrivateKey, senderKey, ephemeralKeys.AsSpan(0, 32), encryptedStatic);
            var contentBytes = SealedSenderCiphers.CtrHmacDecrypt(encryptedMessage, staticKeys.AsSpan(32, 32), staticKeys.AsSpan(64, 32))
                ?? throw new InvalidSealedSenderMessageException("failed to decrypt sealed sender v1 message contents");
            var content = UnidentifiedSenderMessageContent.Deserialize(contentBytes);
            if (!CryptographicOperations.FixedTimeEquals(senderKeyBytes, content.Sender.Key.Serialize()))
            {
                throw new InvalidSealedSenderMessageException("sender certificate key does not match message key");
            }
            return content;
        }
        catch (InvalidKeyException e)
        {
            // A small-order ephemeral key, or a decrypted static key that is not a key at all.
            throw new InvalidSealedSenderMessageException("sealed sender v1 message carries an unusable key", e);
        }
        finally
        {
            ZeroIfSet(ephemeralKeys);
            ZeroIfSet(staticKeys);
        }
    }

    private static void ZeroIfSet(byte[]? secret)
    {
        if (secret is not null)
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <summary>chain ‖ cipher ‖ mac (96 bytes); the salt always names the recipient's key first, then the ephemeral key.</summary>
    private static byte[] EphemeralKeys(ECPrivateKey ours, ECPublicKey theirs, ECPublicKey recipient, ECPublicKey ephemeral)
    {
        var salt = new byte[SaltPrefix.Length + 2 * ECPublicKey.SerializedLength];
        SaltPrefix.CopyTo(salt, 0);
        recipient.Serialize().CopyTo(salt, SaltPrefix.Length);
        ephemeral.Serialize().CopyTo(salt, SaltPrefix.Length + ECPublicKey.SerializedLength);
        var shared = ours.CalculateAgreement(theirs);
        try
        {
            return Primitives.Hkdf(shared, salt, [], 96);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }

    /// <summary>96 bytes of which the first 32 are unused (libsignal derives them to mirror <see cref="EphemeralKeys"/>).</summary>
    private static byte[] StaticKeys(ECPrivateKey ours, ECPublicKey theirs, ReadOnlySpan<byte> chainKey, ReadOnlySpan<byte> encryptedStatic)
    {
        var salt = new byte[chainKey.Length + encryptedStatic.Length];
        chainKey.CopyTo(salt);
        encryptedStatic.CopyTo(salt.AsSpan(chainKey.Length));
        var shared = ours.CalculateAgreement(theirs);
        try
        {
            return Primitives.Hkdf(shared, salt, [], 96);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(shared);
        }
    }
}
