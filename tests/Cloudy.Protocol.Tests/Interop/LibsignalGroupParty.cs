using System.Text;
using System.Text.Json.Nodes;
using Cloudy.Protocol.Tests.Groups;

namespace Cloudy.Protocol.Tests.Interop;

/// <summary>A group member simulated by libsignal in the Node harness (tests/interop/sender-keys.mjs).</summary>
internal sealed class LibsignalGroupParty(LibsignalHarness harness, string name, uint deviceId = 1) : IGroupParty
{
    public ProtocolAddress Address { get; } = new(name, deviceId);

    public async Task<byte[]> CreateDistributionAsync(Guid distributionId)
    {
        var reply = await harness.CallAsync("skCreateDistribution", new { party = Address.Name, self = Wire(Address), distributionId = distributionId.ToString() });
        return Convert.FromBase64String(reply["message"]!.GetValue<string>());
    }

    /// <summary>libsignal has no rotation call; its clients drop the record and create a new chain, and so does this.</summary>
    public async Task<byte[]> RotateAsync(Guid distributionId)
    {
        await harness.CallAsync("skReset", new { party = Address.Name, self = Wire(Address), distributionId = distributionId.ToString() });
        return await CreateDistributionAsync(distributionId);
    }

    public Task ProcessDistributionAsync(ProtocolAddress sender, byte[] distribution) =>
        harness.CallAsync("skProcessDistribution", new { party = Address.Name, sender = Wire(sender), message = Convert.ToBase64String(distribution) });

    public async Task<IReadOnlyList<byte[]>> EncryptAsync(Guid distributionId, IReadOnlyList<string> texts, int skip = 0)
    {
        var reply = await harness.CallAsync("skEncrypt", new
        {
            party = Address.Name,
            self = Wire(Address),
            distributionId = distributionId.ToString(),
            plaintexts = texts.Select(t => Convert.ToBase64String(Encoding.UTF8.GetBytes(t))).ToArray(),
            skip,
        });
        return reply["messages"]!.AsArray().Select(m => Convert.FromBase64String(m!.GetValue<string>())).ToList();
    }

    public async Task<IReadOnlyList<GroupDecryptResult>> DecryptAsync(ProtocolAddress sender, IReadOnlyList<byte[]> messages)
    {
        var reply = await harness.CallAsync("skDecrypt", new { party = Address.Name, sender = Wire(sender), messages = messages.Select(Convert.ToBase64String).ToArray() });
        return reply["results"]!.AsArray().Select(r => Result(r!.AsObject())).ToList();
    }

    public async Task<byte[]?> RecordBytesAsync(ProtocolAddress sender, Guid distributionId)
    {
        var reply = await harness.CallAsync("skRecord", new { party = Address.Name, sender = Wire(sender), distributionId = distributionId.ToString() });
        return reply["record"] is JsonNode node ? Convert.FromBase64String(node.GetValue<string>()) : null;
    }

    /// <summary>Hands libsignal a record made elsewhere; returns its re-serialization of it.</summary>
    public async Task<byte[]> SetRecordAsync(ProtocolAddress sender, Guid distributionId, byte[] record)
    {
        var reply = await harness.CallAsync("skSetRecord", new { party = Address.Name, sender = Wire(sender), distributionId = distributionId.ToString(), record = Convert.ToBase64String(record) });
        return Convert.FromBase64String(reply["reserialized"]!.GetValue<string>());
    }

    internal static object Wire(ProtocolAddress address) => new { name = address.Name, deviceId = address.DeviceId };

    /// <summary>libsignal's errors (code and text, as group_cipher.rs and protocol.rs raise them) mapped to the shared kinds.</summary>
    private static GroupDecryptResult Result(JsonObject r)
    {
        if (r["plaintext"] is JsonNode plaintext)
        {
            return GroupDecryptResult.Ok(Encoding.UTF8.GetString(Convert.FromBase64String(plaintext.GetValue<string>())));
        }
        var message = r["message"]!.GetValue<string>();
        var failure = message switch
        {
            _ when message.Contains("missing sender key state", StringComparison.Ordinal) => GroupFailure.NoState,
            _ when r["error"]!.GetValue<string>() == "1" || message.Contains("old counter", StringComparison.Ordinal) => GroupFailure.Duplicate,
            _ when message.Contains("invalid signature", StringComparison.Ordinal) => GroupFailure.Signature,
            _ when message.Contains("too far into the future", StringComparison.Ordinal) => GroupFailure.TooFar,
            _ when message.Contains("version", StringComparison.Ordinal) => GroupFailure.Version,
            _ => GroupFailure.Invalid,
        };
        return GroupDecryptResult.Failed(failure, message);
    }
}
