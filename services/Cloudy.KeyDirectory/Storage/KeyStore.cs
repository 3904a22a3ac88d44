using System.Globalization;
using Cloudy.KeyDirectory.Domain;
using StackExchange.Redis;
using static Cloudy.KeyDirectory.Storage.KeyDirectoryKeys;

namespace Cloudy.KeyDirectory.Storage;

/// <summary>One device's bundle as read (and consumed) by a fetch.</summary>
internal sealed record StoredBundle(
    int DeviceId,
    int RegistrationId,
    byte[] IdentityKey,
    SignedKey SignedPreKey,
    OneTimeKey? PreKey,
    SignedKey PqPreKey,
    bool PqPreKeyIsLastResort,
    long EcLeft,
    long PqLeft,
    bool CrossedLowThreshold);

/// <summary>Outcome of a fetch: rate-limited (with the wait), or the bundles of devices that have keys.</summary>
internal sealed record FetchResult(TimeSpan? RetryAfter, IReadOnlyList<StoredBundle> Bundles);

/// <summary>The key directory's data in the Redis-protocol store (layout in <see cref="KeyDirectoryKeys"/>).</summary>
internal sealed class KeyStore(IConnectionMultiplexer connection, KeyDirectoryOptions options)
{
    private IDatabase Db => connection.GetDatabase();

    /// <summary>The device's stored identity key (null before its first upload) and its unpublished IdentityKeyChanged event id, if any.</summary>
    public async Task<(byte[]? IdentityKey, string? PendingEventId)> GetIdentityAsync(string accountId, int deviceId)
    {
        var values = await Db.HashGetAsync(Device(accountId, deviceId), [IdentityKeyField, PendingIdentityEventField]).ConfigureAwait(false);
        return ((byte[]?)values[0], values[1].HasValue ? values[1].ToString() : null);
    }

    /// <summary>Marks the device's pending IdentityKeyChanged event as published.</summary>
    public Task ClearPendingIdentityEventAsync(string accountId, int deviceId, string eventId) =>
        // Only that event: a newer change may have replaced it meanwhile and still needs publishing.
        Db.ScriptEvaluateAsync(
            "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0",
            [Device(accountId, deviceId)], [PendingIdentityEventField, eventId]);

    /// <summary>
    /// Writes a validated upload in one MULTI/EXEC, provided the stored identity key is still
    /// <paramref name="expectedIdentityKey"/> (null: none yet), i.e. the key the signatures were checked
    /// against. Returns false, writing nothing, when a concurrent upload changed it.
    /// When <paramref name="identityChangedEventId"/> is set (the identity key changes), one-time keys
    /// signed for or paired with the old identity are dropped unless the upload replaces them, and the
    /// event id is recorded so the change is published even if this process dies before publishing.
    /// </summary>
    public async Task<bool> TryWriteAsync(string accountId, int deviceId, byte[]? expectedIdentityKey, KeyUpload upload, string? identityChangedEventId = null)
    {
        var identityChanged = identityChangedEventId is not null;
        var device = Device(accountId, deviceId);
        var transaction = Db.CreateTransaction();
        transaction.AddCondition(expectedIdentityKey is null
            ? Condition.HashNotExists(device, IdentityKeyField)
            : Condition.HashEqual(device, IdentityKeyField, expectedIdentityKey));

        var fields = new List<HashEntry>(5);
        if (upload.IdentityKey is { } identityKey)
        {
            fields.Add(new HashEntry(IdentityKeyField, identityKey));
        }

        if (upload.RegistrationId is { } registrationId)
        {
            fields.Add(new HashEntry(RegistrationIdField, registrationId));
        }

        if (upload.SignedPreKey is { } signedPreKey)
        {
            fields.Add(new HashEntry(SignedPreKeyField, KeyCodec.Encode(signedPreKey)));
        }

        if (upload.PqLastResort is { } lastResort)
        {
            fields.Add(new HashEntry(LastResortField, KeyCodec.Encode(lastResort)));
        }

        if (identityChangedEventId is not null)
        {
            fields.Add(new HashEntry(PendingIdentityEventField, identityChangedEventId));
        }

        // Queued commands complete with the EXEC; their tasks carry nothing we need.
        _ = transaction.SetAddAsync(Devices(accountId), deviceId);
        if (fields.Count > 0)
        {
            _ = transaction.HashSetAsync(device, [.. fields]);
        }

        if (identityChanged)
        {
            _ = transaction.HashDeleteAsync(device, [LowEcField, LowPqField]);
        }

        ReplaceList(transaction, device, EcPreKeys(accountId, deviceId), LowEcField,
            upload.PreKeys?.Select(KeyCodec.Encode).ToList(), identityChanged);
        ReplaceList(transaction, device, PqPreKeys(accountId, deviceId), LowPqField,
            upload.PqPreKeys?.Select(KeyCodec.Encode).ToList(), identityChanged);
        return await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Counts one fetch of <paramref name="targetAccountId"/> by <paramref name="requesterAccountId"/> and,
    /// unless that exceeds the window's permits, consumes one EC and one PQ one-time prekey of each of
    /// <paramref name="deviceIds"/> (atomically per key: no key is ever handed out twice).
    /// </summary>
    public async Task<FetchResult> FetchAsync(string requesterAccountId, string targetAccountId, IReadOnlyList<int> deviceIds)
    {
        RedisKey[] keys = [FetchCounter(targetAccountId, requesterAccountId), .. deviceIds.SelectMany(d => DeviceKeys(targetAccountId, d))];
        RedisValue[] args = [options.FetchPermits, (long)options.FetchWindow.TotalMilliseconds, options.PreKeysLowThreshold];
        var reply = (RedisResult[])(await Db.ScriptEvaluateAsync(FetchScript.Source, keys, args).ConfigureAwait(false))!;
        if ((long)reply[0] == 0)
        {
            return new FetchResult(TimeSpan.FromMilliseconds(Math.Max(1, (long)reply[1])), []);
        }

        var bundles = new List<StoredBundle>(deviceIds.Count);
        for (var i = 0; i < deviceIds.Count; i++)
        {
            var fields = reply.AsSpan(2 + (i * FetchScript.FieldsPerDevice), FetchScript.FieldsPerDevice);
            var identityKey = (byte[])fields[0]!;
            if (identityKey.Length == 0)
            {
                continue;   // no keys for this device (never uploaded, or removed)
            }

            var pq = (byte[])fields[5]!;
            var ec = (byte[])fields[4]!;
            bundles.Add(new StoredBundle(
                deviceIds[i],
                int.Parse((string)fields[1]!, NumberStyles.None, CultureInfo.InvariantCulture),
                identityKey,
                KeyCodec.DecodeSigned((byte[])fields[2]!),
                ec.Length == 0 ? null : KeyCodec.DecodeOneTime(ec),
                KeyCodec.DecodeSigned(pq.Length == 0 ? (byte[])fields[3]! : pq),
                pq.Length == 0,
                (long)fields[6],
                (long)fields[7],
                (long)fields[8] == 1));
        }

        return new FetchResult(null, bundles);
    }

    /// <summary>Ids of the account's devices that have keys, ascending.</summary>
    public async Task<IReadOnlyList<int>> DeviceIdsAsync(string accountId) =>
        [.. (await Db.SetMembersAsync(Devices(accountId)).ConfigureAwait(false)).Select(v => (int)v).Order()];

    /// <summary>One-time EC and PQ prekeys the device has left.</summary>
    public async Task<(long Ec, long Pq)> CountsAsync(string accountId, int deviceId)
    {
        var batch = Db.CreateBatch();
        var ec = batch.ListLengthAsync(EcPreKeys(accountId, deviceId));
        var pq = batch.ListLengthAsync(PqPreKeys(accountId, deviceId));
        batch.Execute();
        return (await ec.ConfigureAwait(false), await pq.ConfigureAwait(false));
    }

    /// <summary>
    /// Clears the device's low flags so the next consuming fetch reports again (used when publishing
    /// the PreKeysLow event failed: the client must still hear about it).
    /// </summary>
    public Task ClearLowFlagsAsync(string accountId, int deviceId) =>
        Db.HashDeleteAsync(Device(accountId, deviceId), [LowEcField, LowPqField]);

    /// <summary>Deletes every key of one device (idempotent).</summary>
    public async Task<long> DeleteDeviceAsync(string accountId, int deviceId)
    {
        var transaction = Db.CreateTransaction();
        var deleted = transaction.KeyDeleteAsync(DeviceKeys(accountId, deviceId));
        _ = transaction.SetRemoveAsync(Devices(accountId), deviceId);
        await transaction.ExecuteAsync().ConfigureAwait(false);
        return await deleted.ConfigureAwait(false);
    }

    private void ReplaceList(ITransaction transaction, RedisKey device, RedisKey list, string lowField, List<byte[]>? entries, bool identityChanged)
    {
        if (entries is null && !identityChanged)
        {
            return;
        }

        _ = transaction.KeyDeleteAsync(list);
        if (entries is { Count: > 0 })
        {
            _ = transaction.ListRightPushAsync(list, [.. entries.Select(e => (RedisValue)e)]);
        }

        // Refilled to the threshold: the next crossing is a new one and gets its own event.
        if ((entries?.Count ?? 0) >= options.PreKeysLowThreshold)
        {
            _ = transaction.HashDeleteAsync(device, lowField);
        }
    }
}
