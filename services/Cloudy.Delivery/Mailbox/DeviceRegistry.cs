using System.Globalization;
using StackExchange.Redis;
using static Cloudy.Delivery.Mailbox.DeliveryKeys;

namespace Cloudy.Delivery.Mailbox;

/// <summary>An account's devices as delivery knows them from identity's events.</summary>
/// <param name="Registered">Current devices.</param>
/// <param name="Removed">Devices removed and not linked again.</param>
internal sealed record DeviceSet(IReadOnlyCollection<int> Registered, IReadOnlyCollection<int> Removed)
{
    /// <summary>True when identity never told delivery about the account (or it was deleted).</summary>
    public bool IsUnknown => Registered.Count == 0;
}

/// <summary>
/// Delivery's own projection of identity's device registry (AccountCreated, DeviceLinked, DeviceRemoved;
/// AccountDeleted purges it with every other <c>dl:{account}</c> key). Services never read each other's keys.
/// </summary>
internal sealed class DeviceRegistry(IConnectionMultiplexer connection)
{
    private IDatabase Db => connection.GetDatabase();

    /// <summary>Registers <paramref name="device"/> (idempotent); a re-linked id stops being "removed".</summary>
    public Task LinkAsync(string account, int device, DateTimeOffset at)
    {
        var tx = Db.CreateTransaction();
        _ = tx.HashSetAsync(Devices(account), device, at.ToUnixTimeMilliseconds());
        _ = tx.HashDeleteAsync(Removed(account), device);
        return tx.ExecuteAsync();
    }

    /// <summary>
    /// Unregisters <paramref name="device"/>, remembers it as removed, deletes its mailbox and connection key
    /// in one transaction (idempotent). Returns the connection value it held (to close that stream), or empty.
    /// </summary>
    public async Task<string> RemoveAsync(string account, int device, DateTimeOffset at)
    {
        var connectionKey = Connection(account, device);
        var tx = Db.CreateTransaction();
        var current = tx.StringGetAsync(connectionKey);
        _ = tx.HashDeleteAsync(Devices(account), device);
        _ = tx.HashSetAsync(Removed(account), device, at.ToUnixTimeMilliseconds());
        _ = tx.KeyDeleteAsync([.. MailboxKeys(account, device), connectionKey]);
        await tx.ExecuteAsync().ConfigureAwait(false);
        return (string?)await current.ConfigureAwait(false) ?? string.Empty;
    }

    /// <summary>The account's current and removed devices.</summary>
    public async Task<DeviceSet> GetAsync(string account)
    {
        var batch = Db.CreateBatch();
        var registered = batch.HashKeysAsync(Devices(account));
        var removed = batch.HashKeysAsync(Removed(account));
        batch.Execute();
        return new DeviceSet(Ids(await registered.ConfigureAwait(false)), Ids(await removed.ConfigureAwait(false)));
    }

    /// <summary>True when the device was removed (its token may still be unexpired): such callers are refused.</summary>
    public async Task<bool> IsRemovedAsync(string account, int device) =>
        await Db.HashExistsAsync(Removed(account), device).ConfigureAwait(false);

    private static HashSet<int> Ids(RedisValue[] values) =>
        [.. values.Select(v => int.Parse((string)v!, NumberStyles.None, CultureInfo.InvariantCulture))];
}
