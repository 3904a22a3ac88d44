namespace Cloudy.KeyDirectory.Http;

/// <summary>
/// Upload keys for the caller's device. Every member is optional, but the first upload of a device
/// needs <see cref="IdentityKey"/>, <see cref="RegistrationId"/>, <see cref="SignedPreKey"/> and
/// <see cref="PqLastResortPreKey"/>. A present <see cref="PreKeys"/> / <see cref="PqPreKeys"/> list
/// replaces the stored one-time keys of that kind (as Signal's server does); an absent one keeps them.
/// Key bytes are standard base64.
/// </summary>
/// <param name="RegistrationId">libsignal registration id of the device (1-16380).</param>
/// <param name="IdentityKey">Identity public key, 33 bytes (0x05 || Curve25519 key).</param>
/// <param name="SignedPreKey">Signed EC prekey; the signature covers its 33-byte public key.</param>
/// <param name="PreKeys">One-time EC prekeys (at most 100).</param>
/// <param name="PqPreKeys">Signed Kyber1024 one-time prekeys (at most 100); signatures cover 0x08 || key.</param>
/// <param name="PqLastResortPreKey">Signed Kyber1024 last-resort prekey, handed out when no PQ one-time key is left.</param>
public sealed record UploadKeysRequest(
    int? RegistrationId,
    byte[]? IdentityKey,
    SignedPreKeyEntity? SignedPreKey,
    IReadOnlyList<PreKeyEntity?>? PreKeys,
    IReadOnlyList<SignedPreKeyEntity?>? PqPreKeys,
    SignedPreKeyEntity? PqLastResortPreKey);

/// <summary>A one-time EC prekey.</summary>
/// <param name="KeyId">Prekey id.</param>
/// <param name="PublicKey">33-byte serialized Curve25519 public key.</param>
public sealed record PreKeyEntity(uint? KeyId, byte[]? PublicKey);

/// <summary>A prekey signed by the device's identity key (EC signed prekey or Kyber1024 prekey).</summary>
/// <param name="KeyId">Prekey id.</param>
/// <param name="PublicKey">Serialized public key including its type byte (33 bytes EC, 1569 bytes Kyber1024).</param>
/// <param name="Signature">64-byte XEdDSA signature by the identity key over <paramref name="PublicKey"/>.</param>
public sealed record SignedPreKeyEntity(uint? KeyId, byte[]? PublicKey, byte[]? Signature);

/// <summary>Prekey bundles of one account's devices.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Devices">One bundle per device that has uploaded keys, by device id.</param>
public sealed record PreKeyBundleResponse(string AccountId, IReadOnlyList<DeviceBundle> Devices);

/// <summary>What a sender needs to start a PQXDH session with one device.</summary>
/// <param name="DeviceId">Device id.</param>
/// <param name="RegistrationId">libsignal registration id.</param>
/// <param name="IdentityKey">33-byte identity public key.</param>
/// <param name="SignedPreKey">Signed EC prekey.</param>
/// <param name="PreKey">A one-time EC prekey, consumed by this fetch; null when none is left.</param>
/// <param name="PqPreKey">A PQ one-time prekey consumed by this fetch, or the last-resort key when none is left.</param>
/// <param name="PqPreKeyIsLastResort">True when <paramref name="PqPreKey"/> is the last-resort key.</param>
public sealed record DeviceBundle(
    int DeviceId,
    int RegistrationId,
    byte[] IdentityKey,
    SignedPreKeyEntity SignedPreKey,
    PreKeyEntity? PreKey,
    SignedPreKeyEntity PqPreKey,
    bool PqPreKeyIsLastResort);

/// <summary>One-time prekeys the caller's device has left.</summary>
/// <param name="PreKeyCount">One-time EC prekeys.</param>
/// <param name="PqPreKeyCount">PQ one-time prekeys (the last-resort key is not counted).</param>
public sealed record PreKeyCountsResponse(long PreKeyCount, long PqPreKeyCount);
