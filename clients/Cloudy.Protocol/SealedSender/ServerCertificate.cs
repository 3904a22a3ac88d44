using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.SealedSender;

/// <summary>
/// A server's sealed-sender signing key, certified by the trust root (libsignal's
/// <c>ServerCertificate</c>): protobuf <c>{1: certificate, 2: signature}</c> where certificate is
/// <c>{1: id (uint32), 2: key (33-byte Curve25519 key)}</c> and signature is the trust root's
/// XEdDSA signature over the certificate bytes.
/// </summary>
public sealed class ServerCertificate
{
    /// <summary>
    /// Key ids treated as revoked, whatever the signature: libsignal's list, which holds only its
    /// test id 0xDEADC357. A server must never issue a certificate with one of these ids.
    /// </summary>
    public static IReadOnlyList<uint> RevokedKeyIds { get; } = [0xDEADC357];

    private readonly byte[] _serialized;
    private readonly byte[] _certificate;
    private readonly byte[] _signature;

    private ServerCertificate(byte[] serialized, byte[] certificate, byte[] signature, uint keyId, ECPublicKey key)
    {
        _serialized = serialized;
        _certificate = certificate;
        _signature = signature;
        KeyId = keyId;
        Key = key;
    }

    /// <summary>The key id (servers rotate keys; clients may refuse revoked ids).</summary>
    public uint KeyId { get; }

    /// <summary>The server's public signing key.</summary>
    public ECPublicKey Key { get; }

    /// <summary>The signed bytes (the inner <c>Certificate</c> message).</summary>
    public ReadOnlySpan<byte> Certificate => _certificate;

    /// <summary>The trust root's signature over <see cref="Certificate"/>.</summary>
    public ReadOnlySpan<byte> Signature => _signature;

    /// <summary>Certifies <paramref name="key"/> under <paramref name="keyId"/> with the trust root's private key.</summary>
    public static ServerCertificate Create(uint keyId, ECPublicKey key, ECPrivateKey trustRoot)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(trustRoot);
        var certificate = new ProtoWriter().WriteUInt32(1, keyId).WriteBytes(2, key.Serialize()).ToArray();
        var signature = trustRoot.CalculateSignature(certificate);
        return new ServerCertificate(Encode(certificate, signature), certificate, signature, keyId, key);
    }

    /// <summary>Parses a serialized certificate (it is not validated: see <see cref="Validate"/>).</summary>
    /// <exception cref="InvalidCertificateException">Malformed (<see cref="CertificateError.Malformed"/>).</exception>
    public static ServerCertificate Deserialize(ReadOnlyMemory<byte> serialized) => SealedSenderProto.Decode(serialized, fields =>
    {
        var certificate = SealedSenderProto.RequiredBytes(fields, 1);
        var signature = SealedSenderProto.RequiredBytes(fields, 2);
        return SealedSenderProto.Decode(certificate, inner => new ServerCertificate(
            serialized.ToArray(), certificate, signature,
            SealedSenderProto.RequiredUInt32(inner, 1),
            ECPublicKey.Deserialize(SealedSenderProto.RequiredBytes(inner, 2))), Malformed);
    }, Malformed);

    /// <summary>The serialized certificate (as parsed, or as created).</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    /// <summary>Why the certificate is unacceptable under <paramref name="trustRoot"/>, or null if it is acceptable.</summary>
    public CertificateError? Check(ECPublicKey trustRoot)
    {
        ArgumentNullException.ThrowIfNull(trustRoot);
        if (RevokedKeyIds.Contains(KeyId))
        {
            return CertificateError.Revoked;
        }
        return trustRoot.VerifySignature(_certificate, _signature) ? null : CertificateError.ServerCertificateNotTrusted;
    }

    /// <summary>True if the key id is not revoked and the trust root signed the certificate (libsignal's <c>validate</c>).</summary>
    public bool Validate(ECPublicKey trustRoot) => Check(trustRoot) is null;

    /// <summary>The protobuf as a sender certificate embeds it: freshly encoded from its two parts, as libsignal does.</summary>
    internal byte[] EncodeForEmbedding() => Encode(_certificate, _signature);

    private static byte[] Encode(byte[] certificate, byte[] signature) =>
        new ProtoWriter().WriteBytes(1, certificate).WriteBytes(2, signature).ToArray();

    private static InvalidCertificateException Malformed(Exception e) => new(CertificateError.Malformed, "malformed server certificate", e);
}
