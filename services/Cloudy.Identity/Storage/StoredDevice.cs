using System.Buffers.Text;
using System.Globalization;

namespace Cloudy.Identity.Storage;

/// <summary>A registered device as kept in the devices hash.</summary>
/// <param name="DeviceId">Device id (1-127).</param>
/// <param name="PublicKey">Raw Ed25519 public key.</param>
/// <param name="CreatedAt">When it was registered.</param>
internal sealed record StoredDevice(int DeviceId, byte[] PublicKey, DateTimeOffset CreatedAt)
{
    public string Encode() =>
        Base64Url.EncodeToString(PublicKey) + ":" + CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    public static StoredDevice Decode(int deviceId, string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return new StoredDevice(
            deviceId,
            Base64Url.DecodeFromChars(value.AsSpan(0, colon)),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(value.AsSpan(colon + 1), CultureInfo.InvariantCulture)));
    }
}
