using System.Globalization;
using Cloudy.Store;
using StackExchange.Redis;

namespace Cloudy.KeyDirectory.Storage;

/// <summary>
/// The key directory's store layout. Every key of an account carries the hash tag <c>{accountId}</c>,
/// so one script or transaction may touch all of them and the platform's <c>AccountDeleted</c> purge
/// (pattern <c>kd:{accountId}*</c>) removes all of them.
/// </summary>
internal static class KeyDirectoryKeys
{
    /// <summary>Hash field: identity key (33 bytes).</summary>
    public const string IdentityKeyField = "ik";

    /// <summary>Hash field: registration id (decimal).</summary>
    public const string RegistrationIdField = "reg";

    /// <summary>Hash field: signed EC prekey (<see cref="KeyCodec"/> signed entry).</summary>
    public const string SignedPreKeyField = "spk";

    /// <summary>Hash field: PQ last-resort prekey (<see cref="KeyCodec"/> signed entry).</summary>
    public const string LastResortField = "pqlr";

    /// <summary>
    /// Hash field: event id of an <c>IdentityKeyChanged</c> written with the new key but not yet
    /// published (a one-entry outbox: the next upload of the device publishes it, same id).
    /// </summary>
    public const string PendingIdentityEventField = "ikEvent";

    /// <summary>Hash field set once a fetch left fewer EC one-time keys than the threshold (a PreKeysLow was published).</summary>
    public const string LowEcField = "lowEc";

    /// <summary>Hash field set once a fetch left fewer PQ one-time keys than the threshold.</summary>
    public const string LowPqField = "lowPq";

    /// <summary>Set: ids of the account's devices that have uploaded keys.</summary>
    public static RedisKey Devices(string accountId) => KeySpace.KeyDirectory.Account(accountId, "devices");

    /// <summary>Hash: a device's identity key, registration id, signed prekey, last-resort key and low flags.</summary>
    public static RedisKey Device(string accountId, int deviceId) => KeySpace.KeyDirectory.Account(accountId, "dev", Id(deviceId));

    /// <summary>List: a device's one-time EC prekeys (<see cref="KeyCodec"/> one-time entries), popped from the left.</summary>
    public static RedisKey EcPreKeys(string accountId, int deviceId) => KeySpace.KeyDirectory.Account(accountId, "dev", Id(deviceId), "ec");

    /// <summary>List: a device's PQ one-time prekeys (<see cref="KeyCodec"/> signed entries), popped from the left.</summary>
    public static RedisKey PqPreKeys(string accountId, int deviceId) => KeySpace.KeyDirectory.Account(accountId, "dev", Id(deviceId), "pq");

    /// <summary>String with TTL: bundle fetches of <paramref name="targetAccountId"/> by <paramref name="requesterAccountId"/> in the current window.</summary>
    public static RedisKey FetchCounter(string targetAccountId, string requesterAccountId) =>
        KeySpace.KeyDirectory.Account(targetAccountId, "rate", KeySpace.IsValidAccountId(requesterAccountId)
            ? requesterAccountId
            : throw new ArgumentException("Not a valid account id.", nameof(requesterAccountId)));

    /// <summary>The three keys of one device, in the order the fetch script expects them.</summary>
    public static RedisKey[] DeviceKeys(string accountId, int deviceId) =>
        [Device(accountId, deviceId), EcPreKeys(accountId, deviceId), PqPreKeys(accountId, deviceId)];

    private static string Id(int deviceId) => deviceId.ToString(CultureInfo.InvariantCulture);
}
