using System.Security.Cryptography;
using Cloudy.Formats;
using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;

namespace Cloudy.Protocol.SealedSender;

/// <summary>
/// Sealed sender v2 (one ciphertext, many recipients), libsignal 0.72.1's
/// <c>sealed_sender_multi_recipient_encrypt</c> and the v2 branch of
/// <c>sealed_sender_decrypt_to_usmc</c>:
/// <code>
/// M  = 32 random bytes;  PRK = HKDF-Extract(salt = none, M)
/// E  = key pair from HKDF-Expand(PRK, "Sealed Sender v2: r (2023-08)", 32);  K = HKDF-Expand(PRK, "Sealed Sender v2: K", 32)
/// per recipient R (once per account; all its devices share the identity key):
///   C  = HKDF(ikm = DH(E, R) ‖ E.pub ‖ R.pub, info = "Sealed Sender v2: DH", 32) XOR M
///   AT = HKDF(ikm = DH(S, R) ‖ E.pub ‖ C ‖ S.pub ‖ R.pub, info = "Sealed Sender v2: DH-sender", 16)
/// ciphertext = AES-256-GCM-SIV(K, nonce = 0, content) ‖ tag
/// </code>
/// (HKDF-SHA256 without salt; public keys in their 33-byte form inside the KDF inputs, E.pub as
/// raw 32 bytes on the wire.) The recipient recomputes M from C, re-derives E and refuses the
/// message unless it equals E.pub, decrypts, and then checks AT against the sender key in the
/// certificate it just decrypted. The layouts are in <see cref="SealedSenderMultiRecipientMessage"/>.
/// </summary>
internal static class SealedSenderV2
{
    private const int MessageKeyLength = SealedSenderMultiRecipientMessage.MessageKeyLength;
    private const int AuthTagLength = SealedSenderMultiRecipientMessage.AuthTagLength;
    private const int EphemeralKeyLength = SealedSenderMultiRecipientMessage.EphemeralKeyLength;

    private static readonly byte[] LabelR = "Sealed Sender v2: r (2023-08)"u8.ToArray();
    private static readonly byte[] LabelK = "Sealed Sender v2: K"u8.ToArray();
    private static readonly byte[] LabelDh = "Sealed Sender v2: DH"u8.ToArray();
    private static readonly byte[] LabelDhSender = "Sealed Sender v2: DH-sender"u8.ToArray();

    /// <summary>One recipient account for encryption: its service id, identity key and devices (id, registration id).</summary>
    public sealed record Recipient(ServiceId ServiceId, IdentityKey Identity, IReadOnlyList<(uint DeviceId, uint RegistrationId)> Devices);

    public static byte[] Encrypt(UnidentifiedSenderMessageContent content, IdentityKeyPair sender, IReadOnlyList<Recipient> recipients, IReadOnlyCollection<ServiceId> excluded)
    {
        var m = RandomNumberGenerator.GetBytes(MessageKeyLength);
        var (ephemeral, k) = DeriveKeys(m);
        try
        {
            var ciphertext = SealedSenderCiphers.GcmSivEncrypt(k, content.SerializedSpan);
            using var output = new MemoryStream();
            output.WriteByte(SealedSenderMultiRecipientMessage.ServiceIdVersion);
            WriteVarint(output, (ulong)(recipients.Count + excluded.Count));
            Span<byte> serviceId = stackalloc byte[ServiceId.FixedWidthBinaryLength];
            foreach (var recipient in recipients)
            {
                recipient.ServiceId.WriteFixedWidthBinary(serviceId);
                output.Write(serviceId);
                for (var i = 0; i < recipient.Devices.Count; i++)
                {
                    var (deviceId, registrationId) = recipient.Devices[i];
                    var tagged = registrationId | (i < recipient.Devices.Count - 1 ? (uint)SealedSenderMultiRecipientMessage.HasMoreDevicesFlag : 0);
                    output.WriteByte((byte)deviceId);
                    output.WriteByte((byte)(tagged >> 8));
                    output.WriteByte((byte)tagged);
                }
                var c = ApplyAgreementXor(ephemeral.PrivateKey, recipient.Identity.PublicKey, ephemeral.PublicKey, recipient.Identity.PublicKey, m);
                output.Write(c);
                output.Write(AuthenticationTag(sender.PrivateKey, recipient.Identity.PublicKey, ephemeral.PublicKey, c, sender.PublicKey, recipient.Identity.PublicKey));
            }
            foreach (var id in excluded)
            {
                id.WriteFixedWidthBinary(serviceId);
                output.Write(serviceId);
                output.WriteByte(0);
            }
            output.Write(ephemeral.PublicKey.PublicKeyBytes);
            output.Write(ciphertext);
            return output.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(m);
            CryptographicOperations.ZeroMemory(k);
        }
    }

    /// <summary>Opens a received v2 message (everything after the version byte) with our identity.</summary>
    public static UnidentifiedSenderMessageContent Decrypt(ReadOnlySpan<byte> body, IdentityKeyPair us)
    {
        const int prefix = MessageKeyLength + AuthTagLength + EphemeralKeyLength;
        if (body.Length < prefix)
        {
            throw new InvalidSealedSenderMessageException("sealed sender v2 message is truncated");
        }
        var c = body[..MessageKeyLength];
        var at = body.Slice(MessageKeyLength, AuthTagLength);
        byte[]? m = null;
        byte[]? k = null;
        try
        {
            var ephemeralPublic = new ECPublicKey(body.Slice(MessageKeyLength + AuthTagLength, EphemeralKeyLength).ToArray());
            m = ApplyAgreementXor(us.PrivateKey, ephemeralPublic, ephemeralPublic, us.PublicKey, c);
            (var derived, k) = DeriveKeys(m);
            if (!derived.PublicKey.Equals(ephemeralPublic))
            {
                throw new InvalidSealedSenderMessageException("derived ephemeral key did not match key provided in message");
            }
            var contentBytes = SealedSenderCiphers.GcmSivDecrypt(k, body[prefix..])
                ?? throw new InvalidSealedSenderMessageException("failed to decrypt sealed sender v2 content");
            var content = UnidentifiedSenderMessageContent.Deserialize(contentBytes);
            var expected = AuthenticationTag(us.PrivateKey, content.Sender.Key, ephemeralPublic, c, content.Sender.Key, us.PublicKey);
            if (!CryptographicOperations.FixedTimeEquals(expected, at))
            {
                throw new InvalidSealedSenderMessageException("sender certificate key does not match authentication tag");
            }
            return content;
        }
        catch (InvalidKeyException e)
        {
            // A small-order ephemeral or sender key.
            throw new InvalidSealedSenderMessageException("sealed sender v2 message carries an unusable key", e);
        }
        finally
        {
            if (m is not null)
            {
                CryptographicOperations.ZeroMemory(m);
            }
            if (k is not null)
            {
                CryptographicOperations.ZeroMemory(k);
            }
        }
    }

    /// <summary>E (from the "r" label) and K.</summary>
    private static (ECKeyPair Ephemeral, byte[] K) DeriveKeys(ReadOnlySpan<byte> m)
    {
        var prk = new byte[32];
        HKDF.Extract(HashAlgorithmName.SHA256, m, [], prk);
        try
        {
            var r = new byte[32];
            HKDF.Expand(HashAlgorithmName.SHA256, prk, r, LabelR);
            var privateKey = ECPrivateKey.Deserialize(r);
            CryptographicOperations.ZeroMemory(r);
            var k = new byte[32];
            HKDF.Expand(HashAlgorithmName.SHA256, prk, k, LabelK);
            return (new ECKeyPair(privateKey.PublicKey, privateKey), k);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(prk);
        }
    }

    /// <summary>HKDF(DH(ours, theirs) ‖ E.pub ‖ R.pub, "DH", 32) XOR input: encrypts M (sender) or recovers it (recipient).</summary>
    private static byte[] ApplyAgreementXor(ECPrivateKey ours, ECPublicKey theirs, ECPublicKey ephemeral, ECPublicKey recipient, ReadOnlySpan<byte> input)
    {
        var ikm = Concat(ours.CalculateAgreement(theirs), ephemeral.Serialize(), recipient.Serialize());
        try
        {
            var result = Primitives.Hkdf(ikm, [], LabelDh, MessageKeyLength);
            for (var i = 0; i < result.Length; i++)
            {
                result[i] ^= input[i];
            }
            return result;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>HKDF(DH(ours, theirs) ‖ E.pub ‖ C ‖ S.pub ‖ R.pub, "DH-sender", 16).</summary>
    private static byte[] AuthenticationTag(ECPrivateKey ours, ECPublicKey theirs, ECPublicKey ephemeral, ReadOnlySpan<byte> c, ECPublicKey sender, ECPublicKey recipient)
    {
        var ikm = Concat(ours.CalculateAgreement(theirs), ephemeral.Serialize(), c.ToArray(), sender.Serialize(), recipient.Serialize());
        try
        {
            return Primitives.Hkdf(ikm, [], LabelDhSender, AuthTagLength);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    /// <summary>Concatenates; the first part (a DH output) is wiped once copied.</summary>
    private static byte[] Concat(byte[] secret, params byte[][] rest)
    {
        var result = new byte[secret.Length + rest.Sum(r => r.Length)];
        secret.CopyTo(result, 0);
        CryptographicOperations.ZeroMemory(secret);
        var offset = secret.Length;
        foreach (var part in rest)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }

    private static void WriteVarint(Stream output, ulong value)
    {
        while (value >= 0x80)
        {
            output.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        output.WriteByte((byte)value);
    }
}
