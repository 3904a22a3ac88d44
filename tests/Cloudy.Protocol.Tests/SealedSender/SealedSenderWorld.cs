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

    /// <summary>A fresh account name that is also a service id string (libsignal's v2 needs that).</summary>
    public static string NewAccount() => Guid.NewGuid().ToString("D");

    public static Task<SealedSenderDecryptionResult> DecryptAsync(CloudyParty at, byte[] message, ECPublicKey trustRoot, DateTimeOffset? now = null) =>
        new SealedSessionCipher(at.Store).DecryptAsync(message, trustRoot, now ?? Now, at.Address.Name, at.Address.DeviceId);

    public static Task<byte[]> EncryptAsync(CloudyParty from, ProtocolAddress to, SenderCertificate sender, string text,
        ContentHint hint = ContentHint.Default, byte[]? groupId = null) =>
        new SealedSessionCipher(from.Store).EncryptAsync(to, sender, Encoding.UTF8.GetBytes(text), hint, groupId is null ? ReadOnlyMemory<byte>.Empty : groupId);
}
