using System.Text;
using System.Text.Json.Nodes;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Tests.Interop;

/// <summary>A device simulated by Signal's libsignal inside the Node harness.</summary>
internal sealed class LibsignalParty : ITestParty
{
    private readonly LibsignalHarness _harness;

    private LibsignalParty(LibsignalHarness harness, string harnessKey, string name, uint deviceId, IdentityKey identity)
    {
        _harness = harness;
        HarnessKey = harnessKey;
        Address = new ProtocolAddress(name, deviceId);
        IdentityKey = identity;
    }

    /// <summary>The party's key in the harness (its account name, or name.device for a linked device).</summary>
    public string HarnessKey { get; }

    public LibsignalHarness Harness => _harness;

    public ProtocolAddress Address { get; }

    public IdentityKey IdentityKey { get; }

    public static async Task<LibsignalParty> CreateAsync(LibsignalHarness harness, string name, uint registrationId = 2, uint deviceId = 1)
    {
        var reply = await harness.CallAsync("createParty", new { party = name, registrationId });
        return new LibsignalParty(harness, name, name, deviceId, IdentityKey.Deserialize(Convert.FromBase64String(reply["identityKey"]!.GetValue<string>())));
    }

    /// <summary>Another device of <paramref name="first"/>'s account: same identity key, own stores (as linked Signal devices are).</summary>
    public static async Task<LibsignalParty> CreateLinkedDeviceAsync(LibsignalParty first, uint deviceId, uint registrationId)
    {
        var key = $"{first.Address.Name}.{deviceId}";
        var reply = await first._harness.CallAsync("ssCreateDevice", new { party = key, like = first.HarnessKey, registrationId });
        return new LibsignalParty(first._harness, key, first.Address.Name, deviceId, IdentityKey.Deserialize(Convert.FromBase64String(reply["identityKey"]!.GetValue<string>())));
    }

    public async Task<PreKeyBundle> CreateBundleAsync(uint? preKeyId, uint signedPreKeyId, uint kyberPreKeyId)
    {
        var b = await _harness.CallAsync("generateBundle", new { party = HarnessKey, deviceId = Address.DeviceId, preKeyId, signedPreKeyId, kyberPreKeyId });
        byte[] Bytes(string field) => Convert.FromBase64String(b[field]!.GetValue<string>());
        var hasPreKey = b["preKeyId"] is not null;
        return new PreKeyBundle(
            b["registrationId"]!.GetValue<uint>(), b["deviceId"]!.GetValue<uint>(),
            hasPreKey ? b["preKeyId"]!.GetValue<uint>() : null,
            hasPreKey ? ECPublicKey.Deserialize(Bytes("preKey")) : null,
            b["signedPreKeyId"]!.GetValue<uint>(), ECPublicKey.Deserialize(Bytes("signedPreKey")), Bytes("signedPreKeySignature"),
            IdentityKey.Deserialize(Bytes("identityKey")),
            b["kyberPreKeyId"]!.GetValue<uint>(), KyberPublicKey.Deserialize(Bytes("kyberPreKey")), Bytes("kyberPreKeySignature"));
    }

    public Task StartSessionAsync(ProtocolAddress remote, PreKeyBundle bundle) => _harness.CallAsync("processBundle", new
    {
        party = HarnessKey,
        remote = Remote(remote),
        bundle = new
        {
            registrationId = bundle.RegistrationId,
            deviceId = bundle.DeviceId,
            preKeyId = bundle.PreKeyId,
            preKey = bundle.PreKeyPublic is null ? null : Convert.ToBase64String(bundle.PreKeyPublic.Serialize()),
            signedPreKeyId = bundle.SignedPreKeyId,
            signedPreKey = Convert.ToBase64String(bundle.SignedPreKeyPublic.Serialize()),
            signedPreKeySignature = Convert.ToBase64String(bundle.SignedPreKeySignature),
            identityKey = Convert.ToBase64String(bundle.IdentityKey.Serialize()),
            kyberPreKeyId = bundle.KyberPreKeyId,
            kyberPreKey = Convert.ToBase64String(bundle.KyberPreKeyPublic.Serialize()),
            kyberPreKeySignature = Convert.ToBase64String(bundle.KyberPreKeySignature),
        },
    });

    public async Task<CiphertextMessage> EncryptAsync(ProtocolAddress remote, string text)
    {
        var reply = await _harness.CallAsync("encrypt", new { party = HarnessKey, remote = Remote(remote), plaintext = Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) });
        return new CiphertextMessage((CiphertextMessageType)reply["type"]!.GetValue<int>(), Convert.FromBase64String(reply["body"]!.GetValue<string>()));
    }

    public async Task<string> DecryptAsync(ProtocolAddress remote, CiphertextMessage message)
    {
        var reply = await _harness.CallAsync("decrypt", new { party = HarnessKey, remote = Remote(remote), type = (int)message.Type, body = Convert.ToBase64String(message.Body) });
        return Encoding.UTF8.GetString(Convert.FromBase64String(reply["plaintext"]!.GetValue<string>()));
    }

    public async Task<byte[]?> SessionBytesAsync(ProtocolAddress remote)
    {
        var reply = await _harness.CallAsync("sessionRecord", new { party = HarnessKey, remote = Remote(remote) });
        return reply["record"] is JsonNode node ? Convert.FromBase64String(node.GetValue<string>()) : null;
    }

    public async Task<byte[]> SignAsync(byte[] message)
    {
        var reply = await _harness.CallAsync("sign", new { party = HarnessKey, message = Convert.ToBase64String(message) });
        return Convert.FromBase64String(reply["signature"]!.GetValue<string>());
    }

    public async Task<bool> VerifyAsync(ECPublicKey key, byte[] message, byte[] signature)
    {
        var reply = await _harness.CallAsync("verify", new { publicKey = Convert.ToBase64String(key.Serialize()), message = Convert.ToBase64String(message), signature = Convert.ToBase64String(signature) });
        return reply["valid"]!.GetValue<bool>();
    }

    private static object Remote(ProtocolAddress remote) => new { name = remote.Name, deviceId = remote.DeviceId };
}
