using Cloudy.KeyDirectory.Http;
using Cloudy.Protocol;
using Cloudy.Protocol.Keys;

namespace Cloudy.KeyDirectory.Domain;

/// <summary>
/// Turns an upload request into a <see cref="KeyUpload"/>, rejecting malformed keys with a message
/// that names the offending field. Key parsing is the protocol library's, so the server accepts
/// exactly what a libsignal-compatible client can use.
/// </summary>
internal static class KeyUploadParser
{
    /// <summary>XEdDSA signature length.</summary>
    public const int SignatureLength = 64;

    /// <summary>Highest libsignal registration id (14 bits, as Signal's clients generate them).</summary>
    public const int MaxRegistrationId = 16380;

    public static (KeyUpload? Upload, string? Error) Parse(UploadKeysRequest request, int maxPreKeys)
    {
        if (request is { IdentityKey: null, RegistrationId: null, SignedPreKey: null, PreKeys: null, PqPreKeys: null, PqLastResortPreKey: null })
        {
            return (null, "The upload contains no keys.");
        }

        if (request.IdentityKey is { } identity && !IsEcKey(identity))
        {
            return (null, "identityKey must be a 33-byte serialized Curve25519 key (0x05 prefix).");
        }

        if (request.RegistrationId is { } registrationId && registrationId is < 1 or > MaxRegistrationId)
        {
            return (null, $"registrationId must be 1-{MaxRegistrationId}.");
        }

        if (request.PreKeys?.Count > maxPreKeys || request.PqPreKeys?.Count > maxPreKeys)
        {
            return (null, $"At most {maxPreKeys} preKeys and {maxPreKeys} pqPreKeys per upload.");
        }

        // Each parser runs (no short-circuit) so every out value is assigned; the first error wins.
        string?[] errors =
        [
            ParseSigned(request.SignedPreKey, "signedPreKey", IsEcKey, out var signedPreKey),
            ParseSigned(request.PqLastResortPreKey, "pqLastResortPreKey", IsKyberKey, out var lastResort),
            ParseOneTimeKeys(request.PreKeys, out var preKeys),
            ParsePqKeys(request.PqPreKeys, out var pqPreKeys),
        ];
        return errors.FirstOrDefault(e => e is not null) is { } error
            ? (null, error)
            : (new KeyUpload(request.IdentityKey, request.RegistrationId, signedPreKey, preKeys, pqPreKeys, lastResort), null);
    }

    /// <summary>
    /// Verifies every signature in <paramref name="upload"/> against <paramref name="identityKey"/>
    /// (33 bytes); returns the first field whose signature does not verify, or null when all do.
    /// </summary>
    public static string? FirstBadSignature(KeyUpload upload, byte[] identityKey)
    {
        var key = ECPublicKey.Deserialize(identityKey);
        if (upload.SignedPreKey is { } signed && !Verifies(key, signed))
        {
            return "signedPreKey";
        }

        if (upload.PqLastResort is { } lastResort && !Verifies(key, lastResort))
        {
            return "pqLastResortPreKey";
        }

        for (var i = 0; i < (upload.PqPreKeys?.Count ?? 0); i++)
        {
            if (!Verifies(key, upload.PqPreKeys![i]))
            {
                return $"pqPreKeys[{i}]";
            }
        }

        return null;
    }

    // libsignal signs the serialized public key, type byte included, for both EC and Kyber prekeys.
    private static bool Verifies(ECPublicKey identity, SignedKey key) => identity.VerifySignature(key.PublicKey, key.Signature);

    private static string? ParseSigned(SignedPreKeyEntity? entity, string field, Func<byte[], bool> isKey, out SignedKey? parsed)
    {
        parsed = null;
        if (entity is null)
        {
            return null;
        }

        if (entity.KeyId is not { } id || entity.PublicKey is not { } publicKey || !isKey(publicKey))
        {
            return $"{field} needs a keyId and a well-formed serialized publicKey.";
        }

        if (entity.Signature is not { Length: SignatureLength } signature)
        {
            return $"{field}.signature must be {SignatureLength} bytes.";
        }

        parsed = new SignedKey(id, publicKey, signature);
        return null;
    }

    private static string? ParseOneTimeKeys(IReadOnlyList<PreKeyEntity?>? entities, out IReadOnlyList<OneTimeKey>? parsed) =>
        ParseList(entities, "preKeys", out parsed, key => key.Id, (entity, field) =>
            entity is { KeyId: { } id, PublicKey: { } publicKey } && IsEcKey(publicKey)
                ? (new OneTimeKey(id, publicKey), null)
                : (null, $"{field} needs a keyId and a 33-byte serialized Curve25519 publicKey."));

    private static string? ParsePqKeys(IReadOnlyList<SignedPreKeyEntity?>? entities, out IReadOnlyList<SignedKey>? parsed) =>
        ParseList(entities, "pqPreKeys", out parsed, key => key.Id, (entity, field) =>
        {
            var error = ParseSigned(entity, field, IsKyberKey, out var key);
            return (key, key is null ? error ?? $"{field} must not be null." : null);
        });

    /// <summary>Parses a list of one kind of key, refusing malformed entries and repeated key ids.</summary>
    private static string? ParseList<TEntity, TKey>(
        IReadOnlyList<TEntity?>? entities, string name, out IReadOnlyList<TKey>? parsed, Func<TKey, uint> idOf,
        Func<TEntity?, string, (TKey? Key, string? Error)> parse)
        where TEntity : class
        where TKey : class
    {
        parsed = null;
        if (entities is null)
        {
            return null;
        }

        var keys = new List<TKey>(entities.Count);
        var ids = new HashSet<uint>();
        for (var i = 0; i < entities.Count; i++)
        {
            var field = $"{name}[{i}]";
            var (key, error) = parse(entities[i], field);
            if (key is null)
            {
                return error;
            }

            var id = idOf(key);
            if (!ids.Add(id))
            {
                return $"{field} repeats keyId {id}.";
            }

            keys.Add(key);
        }

        parsed = keys;
        return null;
    }

    private static bool IsEcKey(byte[] serialized) => Accepts(() => ECPublicKey.Deserialize(serialized));

    private static bool IsKyberKey(byte[] serialized) => Accepts(() => KyberPublicKey.Deserialize(serialized));

    private static bool Accepts(Action parse)
    {
        try
        {
            parse();
            return true;
        }
        catch (InvalidKeyException)
        {
            return false;
        }
    }
}
