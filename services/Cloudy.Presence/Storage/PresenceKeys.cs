using Cloudy.Store;
using StackExchange.Redis;

namespace Cloudy.Presence.Storage;

/// <summary>
/// Presence's store layout. Everything about one account is <c>pr:{account}:…</c> (one hash tag, so scripts
/// touch it atomically on a cluster and AccountDeleted's <c>pr:{account}*</c> purge finds it). The one shared key
/// is the sweep index, which holds account ids only and cleans itself.
/// </summary>
internal static class PresenceKeys
{
    private static readonly KeySpace _space = KeySpace.Presence;

    /// <summary>Sorted set device id → heartbeat expiry (ms): the devices with a live stream.</summary>
    public static RedisKey Devices(string account) => _space.Account(account, "dev");

    /// <summary>Hash device id → delivery instance id that announced it (a stale instance's disconnect is ignored).</summary>
    public static RedisKey Instances(string account) => _space.Account(account, "inst");

    /// <summary>String: last seen, Unix ms, already rounded.</summary>
    public static RedisKey Seen(string account) => _space.Account(account, "seen");

    /// <summary>String: the owner's visibility (<c>nobody</c> | <c>allowlist</c> | <c>everyone</c>); absent = nobody.</summary>
    public static RedisKey Visibility(string account) => _space.Account(account, "vis");

    /// <summary>Set of account ids the owner allows (used when visibility is <c>allowlist</c>).</summary>
    public static RedisKey Allow(string account) => _space.Account(account, "allow");

    /// <summary>Sorted set watcher account id → watch expiry (ms): who asked to be told about this account.</summary>
    public static RedisKey Watchers(string account) => _space.Account(account, "watchers");

    /// <summary>Fixed-window look-up counter of a caller.</summary>
    public static RedisKey Rate(string account, long window) =>
        _space.Account(account, "rate", window.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Marker of a deleted account, so late connection events do not recreate its keys.</summary>
    public static RedisKey Tombstone(string account) => _space.Account(account, "deleted");

    /// <summary>Sorted set account id → earliest heartbeat expiry (ms): what the sweeper must look at, and when.</summary>
    public static RedisKey SweepIndex { get; } = _space.Key("sweep");

    /// <summary>The keys the connection scripts take, in their KEYS order.</summary>
    public static RedisKey[] ConnectionKeys(string account) => [Devices(account), Instances(account), Seen(account), Tombstone(account)];

    /// <summary>Every per-account key presence writes except counters (for its own purge).</summary>
    public static RedisKey[] StateKeys(string account) =>
        [Devices(account), Instances(account), Seen(account), Visibility(account), Allow(account), Watchers(account)];
}
