using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.SealedSender;

/// <summary>
/// The server's statement "this identity key belongs to this sender's device until this time"
/// (libsignal's <c>SenderCertificate</c>), carried inside every sealed message so the recipient
/// learns and can trust who sent it. Protobuf <c>{1: certificate, 2: signature}</c> where
/// certificate is <c>{1: senderE164 (optional), 2: senderDevice, 3: expires (fixed64, ms since
/// the epoch), 4: identityKey, 5: signer (ServerCertificate), 6: senderUuid}</c> and signature is
/// the server key's XEdDSA signature over the certificate bytes.
/// </summary>
public sealed class SenderCertificate
{
    private readonly byte[] _serialized;
    private readonly byte[] _certificate;
    private readonly byte[] _signature;

    private SenderCertificate(byte[] serialized, byte[] certificate, byte[] signature, Fields fields)
    {
        _serialized = serialized;
        _certificate = certificate;
        _signature = signature;
        SenderUuid = fields.SenderUuid;
        SenderE164 = fields.SenderE164;
        SenderDeviceId = fields.SenderDeviceId;
        Expiration = fields.Expiration;
        Key = fields.Key;
        Signer = fields.Signer;
    }

    /// <summary>
    /// The sender's account as a string (libsignal: the ACI's UUID string; to libsignal 0.72.1 and to
    /// us an opaque string). The recipient uses it as the session address name.
    /// </summary>
    public string SenderUuid { get; }

    /// <summary>The sender's phone number, if the server put one in.</summary>
    public string? SenderE164 { get; }

    /// <summary>The sender's device id.</summary>
    public uint SenderDeviceId { get; }

    /// <summary>Valid up to and including this instant (millisecond precision).</summary>
    public DateTimeOffset Expiration { get; }

    /// <summary>The sender device's identity key.</summary>
    public ECPublicKey Key { get; }

    /// <summary>The server certificate whose key signed this one.</summary>
    public ServerCertificate Signer { get; }

    /// <summary>The signed bytes (the inner <c>Certificate</c> message).</summary>
    public ReadOnlySpan<byte> Certificate => _certificate;

    /// <summary>The server key's signature over <see cref="Certificate"/>.</summary>
    public ReadOnlySpan<byte> Signature => _signature;

    /// <summary>Issues a certificate, signed with <paramref name="signerKey"/> (the private half of <paramref name="signer"/>'s key).</summary>
    /// <exception cref="ArgumentException"><paramref name="signerKey"/> does not match <paramref name="signer"/>, or the expiration is before 1970.</exception>
    public static SenderCertificate Create(string senderUuid, string? senderE164, uint senderDeviceId, ECPublicKey key, DateTimeOffset expiration,
        ServerCertificate signer, ECPrivateKey signerKey)
    {
        ArgumentNullException.ThrowIfNull(senderUuid);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(signerKey);
        if (!signerKey.PublicKey.Equals(signer.Key))
        {
            throw new ArgumentException("the signing key is not the server certificate's key", nameof(signerKey));
        }
        var milliseconds = expiration.ToUnixTimeMilliseconds();
        if (milliseconds < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(expiration), "expiration before 1970");
        }
        var certificate = EncodeCertificate(senderUuid, senderE164, senderDeviceId, key, (ulong)milliseconds, signer);
        var signature = signerKey.CalculateSignature(certificate);
        var serialized = new ProtoWriter().WriteBytes(1, certificate).WriteBytes(2, signature).ToArray();
        return new SenderCertificate(serialized, certificate, signature,
            new Fields(senderUuid, senderE164, senderDeviceId, DateTimeOffset.FromUnixTimeMilliseconds(milliseconds), key, signer));
    }

    /// <summary>The signed bytes. prost writes fields in ascending number order; so do we, and libsignal's bytes match ours.</summary>
    internal static byte[] EncodeCertificate(string senderUuid, string? senderE164, uint senderDeviceId, ECPublicKey key, ulong expirationMilliseconds,
        ServerCertificate signer)
    {
        var writer = new ProtoWriter();
        if (senderE164 is not null)
        {
            writer.WriteBytes(1, SealedSenderProto.Utf8(senderE164));
        }
        return writer
            .WriteUInt32(2, senderDeviceId)
            .WriteFixed64(3, expirationMilliseconds)
            .WriteBytes(4, key.Serialize())
            .WriteBytes(5, signer.EncodeForEmbedding())
            .WriteBytes(6, SealedSenderProto.Utf8(senderUuid))
            .ToArray();
    }

    /// <summary>Parses a serialized certificate (it is not validated: see <see cref="Validate"/>).</summary>
    /// <exception cref="InvalidCertificateException">Malformed (<see cref="CertificateError.Malformed"/>).</exception>
    public static SenderCertificate Deserialize(ReadOnlyMemory<byte> serialized) => SealedSenderProto.Decode(serialized, fields =>
    {
        var certificate = SealedSenderProto.RequiredBytes(fields, 1);
        var signature = SealedSenderProto.RequiredBytes(fields, 2);
        var parsed = SealedSenderProto.Decode(certificate, inner =>
        {
            var deviceId = SealedSenderProto.RequiredUInt32(inner, 2);
            var expires = ProtoReader.UInt64(inner, 3, wireType: 1) ?? throw new FormatException("missing expiration");
            var signer = ServerCertificate.Deserialize(SealedSenderProto.RequiredBytes(inner, 5));
            var uuid = SealedSenderProto.OptionalString(inner, 6) ?? throw new FormatException("missing sender uuid");
            var key = ECPublicKey.Deserialize(SealedSenderProto.RequiredBytes(inner, 4));
            return new Fields(uuid, SealedSenderProto.OptionalString(inner, 1), deviceId, FromMilliseconds(expires), key, signer);
        }, Malformed);
        return new SenderCertificate(serialized.ToArray(), certificate, signature, parsed);
    }, Malformed);

    /// <summary>The serialized certificate (as parsed, or as created).</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    /// <summary>
    /// Why the certificate is unacceptable at <paramref name="validationTime"/> under
    /// <paramref name="trustRoot"/>, or null if it is acceptable. The checks and their order are
    /// libsignal's: the server certificate (revocation, trust-root signature), this certificate's
    /// signature, then expiry (valid while the time is not after <see cref="Expiration"/>).
    /// </summary>
    public CertificateError? Check(ECPublicKey trustRoot, DateTimeOffset validationTime)
    {
        if (Signer.Check(trustRoot) is { } signerError)
        {
            return signerError;
        }
        if (!Signer.Key.VerifySignature(_certificate, _signature))
        {
            return CertificateError.BadSignature;
        }
        return validationTime.ToUnixTimeMilliseconds() > Expiration.ToUnixTimeMilliseconds() ? CertificateError.Expired : null;
    }

    /// <summary>True if the certificate is acceptable (libsignal's <c>validate</c>).</summary>
    public bool Validate(ECPublicKey trustRoot, DateTimeOffset validationTime) => Check(trustRoot, validationTime) is null;

    /// <summary>Throws unless the certificate is acceptable.</summary>
    /// <exception cref="InvalidCertificateException">With the reason in <see cref="InvalidCertificateException.Error"/>.</exception>
    public void EnsureValid(ECPublicKey trustRoot, DateTimeOffset validationTime)
    {
        if (Check(trustRoot, validationTime) is { } error)
        {
            throw new InvalidCertificateException(error, $"sender certificate rejected: {error}");
        }
    }

    // Timestamps past DateTimeOffset's range (year 9999) are clamped: such a certificate simply never expires.
    private static DateTimeOffset FromMilliseconds(ulong milliseconds) =>
        milliseconds > (ulong)DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.MaxValue
            : DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);

    private static InvalidCertificateException Malformed(Exception e) => new(CertificateError.Malformed, "malformed sender certificate", e);

    private sealed record Fields(string SenderUuid, string? SenderE164, uint SenderDeviceId, DateTimeOffset Expiration, ECPublicKey Key, ServerCertificate Signer);
}
