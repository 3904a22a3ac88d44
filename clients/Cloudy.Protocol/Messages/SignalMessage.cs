using System.Security.Cryptography;
using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.Messages;

/// <summary>
/// A Double Ratchet message (libsignal type "Whisper" = 2):
/// <c>version byte || protobuf SignalMessage { 1: ratchet key, 2: counter, 3: previous counter, 4: ciphertext } || 8-byte MAC</c>,
/// the MAC being HMAC-SHA256(mac key, sender identity || receiver identity || version byte || protobuf) truncated.
/// </summary>
public sealed class SignalMessage
{
    /// <summary>Truncated MAC length.</summary>
    public const int MacLength = 8;

    private readonly byte[] _serialized;

    private SignalMessage(byte version, ECPublicKey ratchetKey, uint counter, uint previousCounter, byte[] ciphertext, byte[] serialized)
    {
        MessageVersion = version;
        SenderRatchetKey = ratchetKey;
        Counter = counter;
        PreviousCounter = previousCounter;
        Ciphertext = ciphertext;
        _serialized = serialized;
    }

    /// <summary>High nibble of the version byte (4 = PQXDH session).</summary>
    public byte MessageVersion { get; }

    /// <summary>The sender's current ratchet public key.</summary>
    public ECPublicKey SenderRatchetKey { get; }

    /// <summary>Index of this message in the sender's chain.</summary>
    public uint Counter { get; }

    /// <summary>Length of the sender's previous chain.</summary>
    public uint PreviousCounter { get; }

    /// <summary>AES-256-CBC ciphertext.</summary>
    public byte[] Ciphertext { get; }

    /// <summary>The bytes on the wire.</summary>
    public byte[] Serialize() => (byte[])_serialized.Clone();

    internal ReadOnlySpan<byte> SerializedSpan => _serialized;

    internal static SignalMessage Create(byte version, byte[] macKey, ECPublicKey ratchetKey, uint counter, uint previousCounter, byte[] ciphertext, IdentityKey sender, IdentityKey receiver)
    {
        var body = new ProtoWriter()
            .WriteBytes(1, ratchetKey.Serialize())
            .WriteUInt32(2, counter)
            .WriteUInt32(3, previousCounter)
            .WriteBytes(4, ciphertext)
            .ToArray();
        var serialized = new byte[1 + body.Length + MacLength];
        serialized[0] = VersionByte(version);
        body.CopyTo(serialized, 1);
        ComputeMac(sender, receiver, macKey, serialized.AsSpan(0, 1 + body.Length)).CopyTo(serialized, 1 + body.Length);
        return new SignalMessage(version, ratchetKey, counter, previousCounter, ciphertext, serialized);
    }

    /// <summary>Parses wire bytes (structure only; the MAC is checked on decryption).</summary>
    public static SignalMessage Deserialize(ReadOnlySpan<byte> serialized)
    {
        if (serialized.Length < MacLength + 1)
        {
            throw new InvalidMessageException("message too short");
        }
        var version = CheckVersion(serialized[0]);
        try
        {
            var bytes = serialized.ToArray();
            var fields = ProtoReader.Read(bytes.AsMemory(1, bytes.Length - 1 - MacLength));
            var ratchetKey = ECPublicKey.Deserialize((ProtoReader.Bytes(fields, 1) ?? throw new FormatException("missing ratchet key")).Span);
            var counter = ProtoReader.UInt32(fields, 2) ?? throw new FormatException("missing counter");
            var previous = ProtoReader.UInt32(fields, 3) ?? 0;
            var ciphertext = (ProtoReader.Bytes(fields, 4) ?? throw new FormatException("missing ciphertext")).ToArray();
            return new SignalMessage(version, ratchetKey, counter, previous, ciphertext, bytes);
        }
        catch (Exception e) when (e is FormatException or InvalidKeyException)
        {
            throw new InvalidMessageException("malformed SignalMessage", e);
        }
    }

    internal bool VerifyMac(IdentityKey sender, IdentityKey receiver, byte[] macKey)
    {
        var ours = ComputeMac(sender, receiver, macKey, _serialized.AsSpan(0, _serialized.Length - MacLength));
        return CryptographicOperations.FixedTimeEquals(ours, _serialized.AsSpan(_serialized.Length - MacLength));
    }

    internal static byte VersionByte(byte version) => (byte)(((version & 0xF) << 4) | Ratchet.Pqxdh.SessionVersion);

    /// <summary>Accepts only version 4 (PQXDH); 3 is legacy X3DH, which we refuse like libsignal 0.72 does.</summary>
    internal static byte CheckVersion(byte versionByte)
    {
        var version = (byte)(versionByte >> 4);
        if (version != Ratchet.Pqxdh.SessionVersion)
        {
            throw new InvalidVersionException($"unsupported message version {version}");
        }
        return version;
    }

    private static byte[] ComputeMac(IdentityKey sender, IdentityKey receiver, byte[] macKey, ReadOnlySpan<byte> message)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, macKey);
        hmac.AppendData(sender.Serialize());
        hmac.AppendData(receiver.Serialize());
        hmac.AppendData(message);
        return hmac.GetHashAndReset()[..MacLength];
    }
}
