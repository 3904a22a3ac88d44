extern alias Service;

using Service::Cloudy.KeyDirectory.Http;

namespace Cloudy.KeyDirectory.Tests.Support;

/// <summary>Compares signed prekeys by content (records compare byte arrays by reference).</summary>
public sealed class EntityComparer : IEqualityComparer<SignedPreKeyEntity?>, IEqualityComparer<PreKeyEntity?>
{
    public static EntityComparer Instance { get; } = new();

    public bool Equals(SignedPreKeyEntity? x, SignedPreKeyEntity? y) =>
        x is null ? y is null : y is not null && x.KeyId == y.KeyId && Same(x.PublicKey, y.PublicKey) && Same(x.Signature, y.Signature);

    public bool Equals(PreKeyEntity? x, PreKeyEntity? y) =>
        x is null ? y is null : y is not null && x.KeyId == y.KeyId && Same(x.PublicKey, y.PublicKey);

    public int GetHashCode(SignedPreKeyEntity? obj) => (int)(obj?.KeyId ?? 0);

    public int GetHashCode(PreKeyEntity? obj) => (int)(obj?.KeyId ?? 0);

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
