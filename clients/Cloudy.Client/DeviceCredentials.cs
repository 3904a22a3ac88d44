using NSec.Cryptography;

namespace Cloudy.Client;

/// <summary>
/// What a device needs to log in: its account and device ids and its Ed25519 signing key.
/// The private key never leaves the device; only <see cref="PublicKey"/> is sent to the server.
/// </summary>
public sealed class DeviceCredentials : IDisposable
{
    private readonly Key _key;

    private DeviceCredentials(string accountId, int deviceId, Key key)
    {
        AccountId = accountId;
        DeviceId = deviceId;
        _key = key;
    }

    /// <summary>The account id the server assigned.</summary>
    public string AccountId { get; }

    /// <summary>The device id within the account.</summary>
    public int DeviceId { get; }

    /// <summary>The device's raw Ed25519 public key (32 bytes).</summary>
    public byte[] PublicKey => _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    /// <summary>Generates a fresh signing key from the OS CSPRNG (before the ids are known).</summary>
    public static Key NewSigningKey() =>
        Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

    /// <summary>Binds a signing key to the ids the server returned.</summary>
    public static DeviceCredentials Create(string accountId, int deviceId, Key signingKey) => new(accountId, deviceId, signingKey);

    /// <summary>Restores credentials from a raw 32-byte Ed25519 private key (seed).</summary>
    public static DeviceCredentials Import(string accountId, int deviceId, ReadOnlySpan<byte> privateKey) =>
        new(accountId, deviceId, Key.Import(SignatureAlgorithm.Ed25519, privateKey, KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    /// <summary>Exports the raw private key for the device's own encrypted profile store.</summary>
    public byte[] ExportPrivateKey() => _key.Export(KeyBlobFormat.RawPrivateKey);

    /// <summary>Signs <paramref name="message"/> with the device key.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
