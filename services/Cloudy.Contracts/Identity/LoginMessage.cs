using System.Buffers.Binary;
using System.Text;

namespace Cloudy.Contracts.Identity;

/// <summary>
/// The bytes a device signs (Ed25519) to answer a login challenge:
/// <c>"cloudy-login-v1" || 0x00 || nonce (32 bytes) || accountId (ASCII) || 0x00 || deviceId (uint32 big-endian)</c>.
/// The label separates this signature from any other use of the device key; binding the account
/// and device keeps a signature from being replayed for another identity.
/// </summary>
public static class LoginMessage
{
    /// <summary>The domain-separation label.</summary>
    public const string Label = "cloudy-login-v1";

    /// <summary>Builds the message to sign.</summary>
    public static byte[] Build(ReadOnlySpan<byte> nonce, string accountId, int deviceId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        var label = Encoding.ASCII.GetBytes(Label);
        var account = Encoding.ASCII.GetBytes(accountId);
        var message = new byte[label.Length + 1 + nonce.Length + account.Length + 1 + 4];
        var span = message.AsSpan();
        label.CopyTo(span);
        span = span[(label.Length + 1)..];
        nonce.CopyTo(span);
        span = span[nonce.Length..];
        account.CopyTo(span);
        span = span[(account.Length + 1)..];
        BinaryPrimitives.WriteUInt32BigEndian(span, checked((uint)deviceId));
        return message;
    }
}
