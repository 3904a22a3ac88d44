using Cloudy.Protocol.Protobuf;
using Cloudy.Protocol.SealedSender;

namespace Cloudy.Protocol.Tests.SealedSender;

/// <summary>Certificates no honest issuer produces, for the rejection tests.</summary>
internal static class CertificateTestData
{
    /// <summary>The same certificate fields and signature, but a different signer embedded: the signature no longer matches the signer's key.</summary>
    public static SenderCertificate WithSigner(SenderCertificate certificate, ServerCertificate signer)
    {
        var inner = SenderCertificate.EncodeCertificate(certificate.SenderUuid, certificate.SenderE164, certificate.SenderDeviceId, certificate.Key,
            (ulong)certificate.Expiration.ToUnixTimeMilliseconds(), signer);
        return SenderCertificate.Deserialize(new ProtoWriter().WriteBytes(1, inner).WriteBytes(2, certificate.Signature).ToArray());
    }
}
