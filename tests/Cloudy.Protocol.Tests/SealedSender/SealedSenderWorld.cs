using System.Text;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.SealedSender;

namespace Cloudy.Protocol.Tests.SealedSender;

/// <summary>A trust root and a server certificate under it, issuing sender certificates (what Identity does in production).</summary>
internal sealed class SealedSenderWorld
{
    public SealedSenderWorld(uint keyId = 1)
    {
        Server = ServerCertificate.Create(keyId, ServerKey.PublicKey, TrustRoot.PrivateKey);
    }

    public ECKeyPair TrustRoot { get; } = ECKeyPair.Generate();

    public ECKeyPair ServerKey { get; } = ECKeyPair.Generate();

    public ServerCertificate Server { get; }

    public static DateTimeOffset Now => DateTimeOffset.UtcNow;

    /// <summary>A day-long certificate for <paramref name="device"/>'s identity (the production lifetime).</summary>
    public SenderCertificate Certify(ProtocolAddress device, ECPublicKey identity, DateTimeOffset? expiration = null, string? e164 = null) =>
        SenderCertificate.Create(device.Name, e164, device.DeviceId, identity, expiration ?? Now.AddDays(1), Server, ServerKey.PrivateKey);

    public SenderCertificate Certify(CloudyParty party, DateTimeOffset? expiration = null) => Certify(party.Address, party.Identity.PublicKey, expiration);

    /// <summary>The kinds of unacceptable certificate <see cref="BadCertificate"/> makes.</summary>
    public static TheoryData<string> BadCertificateKinds => ["expired", "revoked", "otherTrustRoot", "forged"];

    /// <summary>
    /// A certificate for <paramref name="device"/> that must be refused, and why: expired a minute ago,
    /// issued under the revoked server key id, issued under another trust root, or signed by a key
    /// other than the (trusted) server certificate's.
    /// </summary>
    public (SenderCertificate Certificate, CertificateError Expected) BadCertificate(string kind, ProtocolAddress device, ECPublicKey identity)
    {
        switch (kind)
        {
            case "expired":
                return (Certify(device, identity, Now.AddMinutes(-1)), CertificateError.Expired);
            case "revoked":
                var revoked = ServerCertificate.Create(0xDEADC357, ServerKey.PublicKey, TrustRoot.PrivateKey);
                return (SenderCertificate.Create(device.Name, null, device.DeviceId, identity, Now.AddDays(1), revoked, ServerKey.PrivateKey), CertificateError.Revoked);
            case "otherTrustRoot":
                return (new SealedSenderWorld(Server.KeyId).Certify(device, identity), CertificateError.ServerCertificateNotTrusted);
            case "forged":
                var forger = ECKeyPair.Generate();
                var forgerServer = ServerCertificate.Create(Server.KeyId, forger.PublicKey, ECKeyPair.Generate().PrivateKey);
                var forged = SenderCertificate.Create(device.Name, null, device.DeviceId, identity, Now.AddDays(1), forgerServer, forger.PrivateKey);
                return (CertificateTestData.WithSigner(forged, Server), CertificateError.BadSignature);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>A fresh account name that is also a service id string (libsignal's v2 needs that).</summary>
    public static string NewAccount() => Guid.NewGuid().ToString("D");

    public static Task<SealedSenderDecryptionResult> DecryptAsync(CloudyParty at, byte[] message, ECPublicKey trustRoot, DateTimeOffset? now = null) =>
        new SealedSessionCipher(at.Store).DecryptAsync(message, trustRoot, now ?? Now, at.Address.Name, at.Address.DeviceId);

    public static Task<byte[]> EncryptAsync(CloudyParty from, ProtocolAddress to, SenderCertificate sender, string text,
        ContentHint hint = ContentHint.Default, byte[]? groupId = null) =>
        new SealedSessionCipher(from.Store).EncryptAsync(to, sender, Encoding.UTF8.GetBytes(text), hint, groupId is null ? ReadOnlyMemory<byte>.Empty : groupId);
}
