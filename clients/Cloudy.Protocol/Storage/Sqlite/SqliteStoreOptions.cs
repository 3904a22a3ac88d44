namespace Cloudy.Protocol.Storage.Sqlite;

/// <summary>
/// Argon2id cost for a new store (stored in the file; opening uses the stored values).
/// Defaults: 64 MiB, 3 passes (libsodium's "interactive" memory with one more pass; about 0.12 s
/// on one core of the build machine), above OWASP's floor of 19 MiB / 2 passes. Raise them for
/// desktop-only deployments; every extra doubling costs an attacker as much as it costs the unlock.
/// </summary>
/// <param name="MemoryKiB">Argon2id memory in KiB.</param>
/// <param name="Passes">Argon2id passes (time cost).</param>
public sealed record SqliteStoreOptions(long MemoryKiB = SqliteStoreOptions.DefaultMemoryKiB, long Passes = SqliteStoreOptions.DefaultPasses)
{
    /// <summary>64 MiB.</summary>
    public const long DefaultMemoryKiB = 64 * 1024;

    /// <summary>3 passes.</summary>
    public const long DefaultPasses = 3;

    /// <summary>Upper bounds accepted from a file, so a hostile file cannot make opening exhaust memory or time.</summary>
    internal const long MaxMemoryKiB = 4L * 1024 * 1024;

    internal const long MaxPasses = 64;

    /// <summary>Lower bounds (libsodium's minimum memory is 8 KiB; we require 8 MiB).</summary>
    internal const long MinMemoryKiB = 8 * 1024;

    internal void Validate()
    {
        if (MemoryKiB is < MinMemoryKiB or > MaxMemoryKiB)
        {
            throw new ArgumentOutOfRangeException(nameof(MemoryKiB), MemoryKiB, $"Argon2id memory must be {MinMemoryKiB}..{MaxMemoryKiB} KiB.");
        }

        if (Passes is < 1 or > MaxPasses)
        {
            throw new ArgumentOutOfRangeException(nameof(Passes), Passes, $"Argon2id passes must be 1..{MaxPasses}.");
        }
    }
}
