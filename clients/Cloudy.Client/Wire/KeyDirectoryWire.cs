namespace Cloudy.Client.Wire;

// Client copies of the key directory's JSON shapes (docs/api-keys.md); key bytes are standard base64.

/// <summary>Keys of the caller's device to upload (<c>PUT /v1/keys</c>); absent members are kept as stored.</summary>
public sealed record UploadKeysRequest(
    int? RegistrationId,
    byte[]? IdentityKey,
    SignedPreKeyEntity? SignedPreKey,
    IReadOnlyList<PreKeyEntity>? PreKeys,
    IReadOnlyList<SignedPreKeyEntity>? PqPreKeys,
    SignedPreKeyEntity? PqLastResortPreKey);

/// <summary>A one-time EC prekey (33-byte serialized public key).</summary>
public sealed record PreKeyEntity(uint KeyId, byte[] PublicKey);

/// <summary>A prekey signed by the identity key (EC signed prekey or Kyber1024 prekey).</summary>
public sealed record SignedPreKeyEntity(uint KeyId, byte[] PublicKey, byte[] Signature);

/// <summary>Prekey bundles of one account's devices.</summary>
public sealed record PreKeyBundleResponse(string AccountId, IReadOnlyList<DeviceBundle> Devices);

/// <summary>What a sender needs to start a PQXDH session with one device.</summary>
public sealed record DeviceBundle(
    int DeviceId,
    int RegistrationId,
    byte[] IdentityKey,
    SignedPreKeyEntity SignedPreKey,
    PreKeyEntity? PreKey,
    SignedPreKeyEntity PqPreKey,
    bool PqPreKeyIsLastResort);

/// <summary>One-time prekeys the caller's device has left on the server.</summary>
public sealed record PreKeyCountsResponse(long PreKeyCount, long PqPreKeyCount);
