using Cloudy.Protocol.Crypto;

namespace Cloudy.Protocol.Groups;

/// <summary>
/// The AES key and IV of one group message: <c>HKDF-SHA256(seed, no salt, "WhisperGroup", 48)</c> =
/// IV (16) ‖ cipher key (32), where seed = HMAC-SHA256(chain key, 0x01) at the message's iteration.
/// (Note the order: IV first, unlike the 1:1 ratchet's "WhisperMessageKeys".)
/// </summary>
internal readonly record struct SenderMessageKey(uint Iteration, byte[] Iv, byte[] CipherKey)
{
    private static readonly byte[] Info = "WhisperGroup"u8.ToArray();

    public static SenderMessageKey Derive(uint iteration, byte[] seed)
    {
        var okm = Primitives.Hkdf(seed, [], Info, 48);
        return new SenderMessageKey(iteration, okm[..16], okm[16..48]);
    }
}

/// <summary>A skipped message's key, kept as its 32-byte seed (as libsignal stores it) until that message arrives.</summary>
internal readonly record struct StoredSenderMessageKey(uint Iteration, byte[] Seed);
