using Cloudy.Protocol.Keys;

namespace Cloudy.Protocol.State;

/// <summary>
/// What the key directory hands out for one device: identity key, signed prekey, optional one-time
/// prekey and a signed Kyber1024 prekey (required: we only speak PQXDH, never plain X3DH).
/// </summary>
public sealed record PreKeyBundle(
    uint RegistrationId,
    uint DeviceId,
    uint? PreKeyId,
    ECPublicKey? PreKeyPublic,
    uint SignedPreKeyId,
    ECPublicKey SignedPreKeyPublic,
    byte[] SignedPreKeySignature,
    IdentityKey IdentityKey,
    uint KyberPreKeyId,
    KyberPublicKey KyberPreKeyPublic,
    byte[] KyberPreKeySignature);
