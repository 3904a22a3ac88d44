namespace Cloudy.KeyDirectory.Domain;

/// <summary>A one-time EC prekey, its public key serialized as libsignal does (0x05 || 32 bytes).</summary>
internal sealed record OneTimeKey(uint Id, byte[] PublicKey);

/// <summary>A prekey with the identity key's XEdDSA signature over its serialized public key (EC or Kyber1024).</summary>
internal sealed record SignedKey(uint Id, byte[] PublicKey, byte[] Signature);

/// <summary>
/// A well-formed upload: sizes and key types checked, signatures not yet (that needs the identity key,
/// which may be the stored one). Null members were absent from the request.
/// </summary>
internal sealed record KeyUpload(
    byte[]? IdentityKey,
    int? RegistrationId,
    SignedKey? SignedPreKey,
    IReadOnlyList<OneTimeKey>? PreKeys,
    IReadOnlyList<SignedKey>? PqPreKeys,
    SignedKey? PqLastResort);
