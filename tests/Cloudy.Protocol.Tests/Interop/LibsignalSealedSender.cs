using System.Text;
using System.Text.Json.Nodes;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.SealedSender;

namespace Cloudy.Protocol.Tests.Interop;

/// <summary>Sealed sender as libsignal does it, through the commands of <c>tests/interop/sealed-sender.mjs</c>.</summary>
internal sealed class LibsignalSealedSender(LibsignalHarness harness)
{
    public async Task<(byte[] PrivateKey, ECPublicKey PublicKey)> KeyPairAsync()
    {
        var reply = await harness.CallAsync("ssKeyPair");
        return (Bytes(reply, "privateKey"), ECPublicKey.Deserialize(Bytes(reply, "publicKey")));
    }

    /// <summary>libsignal's <c>ServerCertificate.new</c>: serialized form and the signed bytes.</summary>
    public async Task<(byte[] Serialized, byte[] Certificate)> ServerCertificateAsync(uint keyId, ECPublicKey key, byte[] trustRootPrivate)
    {
        var reply = await harness.CallAsync("ssServerCertificate", new { keyId, key = B64(key.Serialize()), trustRootPrivate = B64(trustRootPrivate) });
        return (Bytes(reply, "serialized"), Bytes(reply, "certificate"));
    }

    /// <summary>libsignal's <c>SenderCertificate.new</c>: serialized form and the signed bytes.</summary>
    public async Task<(byte[] Serialized, byte[] Certificate)> SenderCertificateAsync(string senderUuid, string? senderE164, uint deviceId, ECPublicKey key,
        DateTimeOffset expiration, byte[] serverCertificate, byte[] serverPrivate)
    {
        var reply = await harness.CallAsync("ssSenderCertificate", new
        {
            senderUuid,
            senderE164,
            deviceId,
            key = B64(key.Serialize()),
            expiration = expiration.ToUnixTimeMilliseconds(),
            serverCertificate = B64(serverCertificate),
            serverPrivate = B64(serverPrivate),
        });
        return (Bytes(reply, "serialized"), Bytes(reply, "certificate"));
    }

    /// <summary>libsignal parses the certificate and validates it: its fields and <c>valid</c>.</summary>
    public Task<JsonObject> ReadSenderCertificateAsync(byte[] certificate, ECPublicKey trustRoot, DateTimeOffset time) =>
        harness.CallAsync("ssReadSenderCertificate", new { certificate = B64(certificate), trustRoot = B64(trustRoot.Serialize()), time = time.ToUnixTimeMilliseconds() });

    /// <summary>Session-encrypts and seals (v1). Without hint and group id: libsignal's one-call API (no USMC returned).</summary>
    public async Task<(byte[] Sealed, byte[]? Usmc)> EncryptAsync(LibsignalParty from, ProtocolAddress to, string text, SenderCertificate sender,
        ContentHint? hint = null, byte[]? groupId = null)
    {
        var reply = await harness.CallAsync("ssEncrypt", new
        {
            party = from.HarnessKey,
            remote = Remote(to),
            plaintext = B64(Encoding.UTF8.GetBytes(text)),
            senderCertificate = B64(sender.Serialize()),
            contentHint = hint is null ? (uint?)null : (uint)hint.Value,
            groupId = groupId is null ? null : B64(groupId),
        }.WithoutNulls());
        return (Bytes(reply, "sealed"), reply["usmc"] is JsonNode usmc ? Convert.FromBase64String(usmc.GetValue<string>()) : null);
    }

    /// <summary>libsignal's full sealed sender decryption at <paramref name="at"/>; throws <see cref="LibsignalException"/> on rejection.</summary>
    public async Task<(string Text, string SenderUuid, uint SenderDeviceId)> DecryptAsync(LibsignalParty at, byte[] message, ECPublicKey trustRoot, DateTimeOffset timestamp)
    {
        var reply = await harness.CallAsync("ssDecrypt", new
        {
            party = at.HarnessKey,
            message = B64(message),
            trustRoot = B64(trustRoot.Serialize()),
            timestamp = timestamp.ToUnixTimeMilliseconds(),
            localUuid = at.Address.Name,
            localDeviceId = at.Address.DeviceId,
        });
        return (Encoding.UTF8.GetString(Bytes(reply, "plaintext")), reply["senderUuid"]!.GetValue<string>(), reply["deviceId"]!.GetValue<uint>());
    }

    /// <summary>libsignal's <c>sealedSenderDecryptToUsmc</c>: type, contents, senderCertificate, contentHint, groupId, serialized.</summary>
    public Task<JsonObject> DecryptToUsmcAsync(LibsignalParty at, byte[] message) =>
        harness.CallAsync("ssDecryptToUsmc", new { party = at.HarnessKey, message = B64(message) });

    /// <summary>libsignal's <c>sealedSenderMultiRecipientEncrypt</c> of a sender-key message (group content).</summary>
    public Task<JsonObject> MultiEncryptSenderKeyAsync(LibsignalParty from, IEnumerable<ProtocolAddress> recipients, IEnumerable<string> excluded,
        SenderCertificate sender, Guid distributionId, string text, ContentHint hint, byte[]? groupId) =>
        harness.CallAsync("ssMultiEncrypt", new
        {
            party = from.HarnessKey,
            senderName = from.Address.Name,
            recipients = recipients.Select(Remote).ToArray(),
            excluded = excluded.ToArray(),
            content = new { kind = "senderKey", distributionId = distributionId.ToString("D"), plaintext = B64(Encoding.UTF8.GetBytes(text)), senderDeviceId = from.Address.DeviceId },
            senderCertificate = B64(sender.Serialize()),
            contentHint = (uint)hint,
            groupId = groupId is null ? null : B64(groupId),
        }.WithoutNulls());

    /// <summary>libsignal's <c>sealedSenderMultiRecipientEncrypt</c> of a session message to <paramref name="sessionMessageTo"/>.</summary>
    public Task<JsonObject> MultiEncryptSessionMessageAsync(LibsignalParty from, IEnumerable<ProtocolAddress> recipients, ProtocolAddress sessionMessageTo,
        SenderCertificate sender, string text) =>
        harness.CallAsync("ssMultiEncrypt", new
        {
            party = from.HarnessKey,
            senderName = from.Address.Name,
            recipients = recipients.Select(Remote).ToArray(),
            content = new { kind = "encrypt", remote = Remote(sessionMessageTo), plaintext = B64(Encoding.UTF8.GetBytes(text)) },
            senderCertificate = B64(sender.Serialize()),
        });

    /// <summary>libsignal's server-side parse (<c>SealedSenderMultiRecipientMessage</c>) of a sent v2 message.</summary>
    public async Task<(IReadOnlyList<SplitRecipient> Recipients, IReadOnlyList<string> Excluded)> SplitAsync(byte[] message)
    {
        var reply = await harness.CallAsync("ssSplit", new { message = B64(message) });
        var recipients = reply["recipients"]!.AsArray().Select(r => new SplitRecipient(
            r!["serviceId"]!.GetValue<string>(),
            r["deviceIds"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray(),
            r["registrationIds"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray(),
            Convert.FromBase64String(r["payload"]!.GetValue<string>()))).ToList();
        return (recipients, reply["excluded"]!.AsArray().Select(e => e!.GetValue<string>()).ToList());
    }

    public async Task<byte[]> DeriveAccessKeyAsync(byte[] profileKey) =>
        Bytes(await harness.CallAsync("ssDeriveAccessKey", new { profileKey = B64(profileKey) }), "accessKey");

    public async Task<byte[]> GcmSivAsync(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) =>
        Bytes(await harness.CallAsync("ssGcmSiv", new { key = B64(key), nonce = B64(nonce), aad = B64(aad), plaintext = B64(plaintext) }), "ciphertext");

    public static byte[] Bytes(JsonObject reply, string field) => Convert.FromBase64String(reply[field]!.GetValue<string>());

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    private static object Remote(ProtocolAddress address) => new { name = address.Name, deviceId = address.DeviceId };
}

/// <summary>One recipient as libsignal's split reports it.</summary>
internal sealed record SplitRecipient(string ServiceId, int[] DeviceIds, int[] RegistrationIds, byte[] Payload);

internal static class AnonymousObjectExtensions
{
    /// <summary>Drops null-valued properties, so that the harness sees them as absent (undefined).</summary>
    public static JsonObject WithoutNulls(this object value)
    {
        var node = System.Text.Json.JsonSerializer.SerializeToNode(value)!.AsObject();
        foreach (var key in node.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            node.Remove(key);
        }
        return node;
    }
}
