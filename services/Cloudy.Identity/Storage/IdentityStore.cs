using System.Globalization;
using Cloudy.Identity.Domain;
using StackExchange.Redis;
using static Cloudy.Identity.Storage.IdentityKeys;

namespace Cloudy.Identity.Storage;

/// <summary>Outcome of a store operation that can be refused for a domain reason.</summary>
internal enum StoreOutcome
{
    /// <summary>Done.</summary>
    Ok,

    /// <summary>The account, device, challenge or code does not exist (or expired).</summary>
    NotFound,

    /// <summary>The account already has the most devices allowed.</summary>
    DeviceLimit,

    /// <summary>The operation would remove the account's last device.</summary>
    LastDevice,

    /// <summary>Too many unanswered challenges or codes are pending.</summary>
    TooManyPending,
}

/// <summary>
/// Identity state in the Redis-protocol store. Every change that touches more than one key, or
/// depends on what it read, runs as one MULTI/EXEC transaction guarded by WATCH conditions, so a
/// concurrent change makes it retry instead of leaving a partial or inconsistent write.
/// </summary>
internal sealed class IdentityStore(IConnectionMultiplexer connection, TimeProvider time)
{
    private const int Attempts = 8;

    private IDatabase Db => connection.GetDatabase();

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates an account with device 1; false if the id is taken (callers draw a new id).</summary>
    public async Task<bool> CreateAccountAsync(string accountId, byte[] publicKey)
    {
        var now = time.GetUtcNow();
        var tx = Db.CreateTransaction();
        tx.AddCondition(Condition.KeyNotExists(Account(accountId)));
        tx.AddCondition(Condition.KeyNotExists(Devices(accountId)));
        _ = tx.HashSetAsync(Account(accountId), CreatedField, now.ToUnixTimeMilliseconds());
        _ = tx.HashSetAsync(Devices(accountId), 1, new StoredDevice(1, publicKey, now).Encode());
        return await tx.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>The device, or null when the account or device does not exist.</summary>
    public async Task<StoredDevice?> GetDeviceAsync(string accountId, int deviceId)
    {
        var value = await Db.HashGetAsync(Devices(accountId), deviceId).ConfigureAwait(false);
        return value.IsNull ? null : StoredDevice.Decode(deviceId, value!);
    }

    /// <summary>Every device of the account, by id.</summary>
    public async Task<IReadOnlyList<StoredDevice>> ListDevicesAsync(string accountId)
    {
        var entries = await Db.HashGetAllAsync(Devices(accountId)).ConfigureAwait(false);
        return [.. entries.Select(e => StoredDevice.Decode((int)e.Name, e.Value!)).OrderBy(d => d.DeviceId)];
    }

    /// <summary>Records a challenge for an existing device.</summary>
    public Task<StoreOutcome> AddChallengeAsync(string accountId, int deviceId, string digest, DateTimeOffset expiresAt, int maxPending) =>
        AddPendingAsync(Challenges(accountId), Devices(accountId), deviceId, digest,
            deviceId.ToString(CultureInfo.InvariantCulture) + ":" + expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            expiresAt, maxPending);

    /// <summary>
    /// Consumes the challenge <paramref name="digest"/> for <paramref name="deviceId"/>. Exactly one
    /// caller can win: the HDEL that removes the field decides.
    /// </summary>
    public async Task<StoreOutcome> ConsumeChallengeAsync(string accountId, int deviceId, string digest)
    {
        var key = Challenges(accountId);
        var value = await Db.HashGetAsync(key, digest).ConfigureAwait(false);
        if (value.IsNull)
        {
            return StoreOutcome.NotFound;
        }

        var text = (string)value!;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (int.Parse(text.AsSpan(0, colon), CultureInfo.InvariantCulture) != deviceId)
        {
            return StoreOutcome.NotFound;   // a challenge issued to another device of the account
        }

        var removed = await Db.HashDeleteAsync(key, digest).ConfigureAwait(false);
        var expired = long.Parse(text.AsSpan(colon + 1), CultureInfo.InvariantCulture) <= NowMs;
        return removed && !expired ? StoreOutcome.Ok : StoreOutcome.NotFound;
    }

    /// <summary>Records a device-link code for an existing account.</summary>
    public Task<StoreOutcome> AddLinkCodeAsync(string accountId, string digest, DateTimeOffset expiresAt, int maxPending) =>
        AddPendingAsync(LinkCodes(accountId), Account(accountId), null, digest,
            expiresAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), expiresAt, maxPending);

    /// <summary>
    /// Redeems a link code: in one transaction the code is consumed and the lowest free device id
    /// is registered with <paramref name="publicKey"/>. A full account keeps the code unused.
    /// </summary>
    public async Task<(StoreOutcome Outcome, int DeviceId)> RedeemLinkCodeAsync(LinkCode code, byte[] publicKey, int maxDevices)
    {
        var codes = LinkCodes(code.AccountId);
        var devices = Devices(code.AccountId);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var stored = await Db.HashGetAsync(codes, code.Digest).ConfigureAwait(false);
            if (stored.IsNull || (long)stored <= NowMs)
            {
                return (StoreOutcome.NotFound, 0);
            }

            var used = (await Db.HashKeysAsync(devices).ConfigureAwait(false)).Select(k => (int)k).ToHashSet();
            if (DeviceSlots.NextFree(used, maxDevices) is not { } deviceId)
            {
                return (StoreOutcome.DeviceLimit, 0);
            }

            var tx = Db.CreateTransaction();
            tx.AddCondition(Condition.KeyExists(Account(code.AccountId)));
            tx.AddCondition(Condition.HashEqual(codes, code.Digest, stored));
            tx.AddCondition(Condition.HashLengthEqual(devices, used.Count));
            tx.AddCondition(Condition.HashNotExists(devices, deviceId));
            _ = tx.HashDeleteAsync(codes, code.Digest);
            _ = tx.HashSetAsync(devices, deviceId, new StoredDevice(deviceId, publicKey, time.GetUtcNow()).Encode());
            if (await tx.ExecuteAsync().ConfigureAwait(false))
            {
                return (StoreOutcome.Ok, deviceId);
            }
        }

        throw new RedisException("Link-code redemption kept conflicting with concurrent changes.");
    }

    /// <summary>Removes a device unless it is the account's last one.</summary>
    public async Task<StoreOutcome> RemoveDeviceAsync(string accountId, int deviceId)
    {
        var devices = Devices(accountId);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var count = await Db.HashLengthAsync(devices).ConfigureAwait(false);
            if (!await Db.HashExistsAsync(devices, deviceId).ConfigureAwait(false))
            {
                return StoreOutcome.NotFound;
            }

            if (count <= 1)
            {
                return StoreOutcome.LastDevice;
            }

            var tx = Db.CreateTransaction();
            tx.AddCondition(Condition.HashLengthEqual(devices, count));
            tx.AddCondition(Condition.HashExists(devices, deviceId));
            _ = tx.HashDeleteAsync(devices, deviceId);
            if (await tx.ExecuteAsync().ConfigureAwait(false))
            {
                return StoreOutcome.Ok;
            }
        }

        throw new RedisException("Device removal kept conflicting with concurrent changes.");
    }

    /// <summary>The account's current public-link handle, or null when disabled.</summary>
    public async Task<string?> GetHandleAsync(string accountId) =>
        await Db.HashGetAsync(Account(accountId), LinkField).ConfigureAwait(false) is { IsNull: false } v ? (string)v! : null;

    /// <summary>The account a handle resolves to, or null.</summary>
    public async Task<string?> ResolveHandleAsync(string handle) =>
        await Db.StringGetAsync(Handle(handle)).ConfigureAwait(false) is { IsNull: false } v ? (string)v! : null;

    /// <summary>
    /// Sets the account's handle to a fresh one. With <paramref name="rotate"/> false an existing
    /// handle is kept (enable is idempotent); with true it is replaced and the old index entry
    /// deleted in the same transaction, so the old handle stops resolving at once.
    /// Returns null when rotating an account that has no link.
    /// </summary>
    public async Task<string?> SetHandleAsync(string accountId, bool rotate)
    {
        var account = Account(accountId);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await GetHandleAsync(accountId).ConfigureAwait(false);
            if (current is not null && !rotate)
            {
                return current;
            }

            if (current is null && rotate)
            {
                return null;
            }

            var fresh = RandomIds.NewHandle();
            var tx = Db.CreateTransaction();
            tx.AddCondition(Condition.KeyExists(account));
            tx.AddCondition(current is null ? Condition.HashNotExists(account, LinkField) : Condition.HashEqual(account, LinkField, current));
            tx.AddCondition(Condition.KeyNotExists(Handle(fresh)));
            if (current is not null)
            {
                _ = tx.KeyDeleteAsync(Handle(current));
            }

            _ = tx.HashSetAsync(account, LinkField, fresh);
            _ = tx.StringSetAsync(Handle(fresh), accountId);
            if (await tx.ExecuteAsync().ConfigureAwait(false))
            {
                return fresh;
            }
        }

        throw new RedisException("Public-link change kept conflicting with concurrent changes.");
    }

    /// <summary>Disables the public link (idempotent).</summary>
    public Task DisableHandleAsync(string accountId) => DeleteWithHandleAsync(accountId, [], [LinkField]);

    /// <summary>Deletes every key of the account and its handle index entry in one transaction (idempotent).</summary>
    public Task DeleteAccountAsync(string accountId) => DeleteWithHandleAsync(accountId, AllOf(accountId), []);

    private async Task DeleteWithHandleAsync(string accountId, RedisKey[] keys, RedisValue[] accountFields)
    {
        var account = Account(accountId);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await GetHandleAsync(accountId).ConfigureAwait(false);
            var tx = Db.CreateTransaction();
            tx.AddCondition(current is null ? Condition.HashNotExists(account, LinkField) : Condition.HashEqual(account, LinkField, current));
            if (current is not null)
            {
                _ = tx.KeyDeleteAsync(Handle(current));
            }

            if (keys.Length > 0)
            {
                _ = tx.KeyDeleteAsync(keys);
            }

            if (accountFields.Length > 0)
            {
                _ = tx.HashDeleteAsync(account, accountFields);
            }

            if (await tx.ExecuteAsync().ConfigureAwait(false))
            {
                return;
            }
        }

        throw new RedisException("Deletion kept conflicting with concurrent changes.");
    }

    /// <summary>
    /// Adds a pending secret (challenge or link code) as a hash field while <paramref name="owner"/>
    /// (and, for challenges, the device field) exists. Expired fields are pruned first; the hash
    /// itself expires with its newest entry so abandoned secrets never pile up.
    /// </summary>
    private async Task<StoreOutcome> AddPendingAsync(
        RedisKey key, RedisKey owner, int? deviceField, string digest, string value, DateTimeOffset expiresAt, int maxPending)
    {
        if (await Db.HashLengthAsync(key).ConfigureAwait(false) >= maxPending)
        {
            var now = NowMs;
            var expired = (await Db.HashGetAllAsync(key).ConfigureAwait(false))
                .Where(e => ExpiresAt(e.Value!) <= now).Select(e => e.Name).ToArray();
            if (expired.Length > 0)
            {
                await Db.HashDeleteAsync(key, expired).ConfigureAwait(false);
            }

            if (await Db.HashLengthAsync(key).ConfigureAwait(false) >= maxPending)
            {
                return StoreOutcome.TooManyPending;
            }
        }

        var tx = Db.CreateTransaction();
        tx.AddCondition(deviceField is { } field ? Condition.HashExists(owner, field) : Condition.KeyExists(owner));
        _ = tx.HashSetAsync(key, digest, value);
        // Every entry of one hash has the same lifetime, so the newest entry always expires last.
        // Relative TTL: the store's clock, not ours, runs it.
        _ = tx.KeyExpireAsync(key, (expiresAt - time.GetUtcNow()) + TimeSpan.FromSeconds(1));
        return await tx.ExecuteAsync().ConfigureAwait(false) ? StoreOutcome.Ok : StoreOutcome.NotFound;
    }

    private static long ExpiresAt(string value) =>
        long.Parse(value.AsSpan(value.LastIndexOf(':') + 1), CultureInfo.InvariantCulture);
}
