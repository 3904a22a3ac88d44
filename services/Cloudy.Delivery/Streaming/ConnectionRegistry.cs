using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Mailbox;
using StackExchange.Redis;

namespace Cloudy.Delivery.Streaming;

/// <summary>
/// Which instance and connection hold each device's stream: <c>dl:{account}:conn:{device}</c> =
/// <c>instance|connection</c> with a TTL renewed by heartbeats, so a crashed instance's entries lapse.
/// </summary>
internal sealed class ConnectionRegistry(IConnectionMultiplexer connection, DeliveryOptions options)
{
    private IDatabase Db => connection.GetDatabase();

    private long TtlMs => (long)options.ConnectionTtl.TotalMilliseconds;

    /// <summary>Makes <paramref name="value"/> the device's connection; returns the one it replaced, or empty.</summary>
    public async Task<string> ClaimAsync(string account, int device, string value) =>
        (string?)await Db.ScriptEvaluateAsync(MailboxScripts.ClaimConnection, [DeliveryKeys.Connection(account, device)], [value, TtlMs])
            .ConfigureAwait(false) ?? string.Empty;

    /// <summary>Renews the key while it still holds <paramref name="value"/>; false when another connection took over.</summary>
    public Task<bool> RenewAsync(string account, int device, string value) => CompareAsync(account, device, value, TtlMs);

    /// <summary>Deletes the key while it still holds <paramref name="value"/>; false when another connection took over.</summary>
    public Task<bool> ReleaseAsync(string account, int device, string value) => CompareAsync(account, device, value, 0);

    /// <summary>The connection values of <paramref name="devices"/> that are online (empty string when not).</summary>
    public async Task<IReadOnlyDictionary<int, string>> LookupAsync(string account, IReadOnlyCollection<int> devices)
    {
        var ids = devices.ToArray();
        var values = await Db.StringGetAsync([.. ids.Select(d => DeliveryKeys.Connection(account, d))]).ConfigureAwait(false);
        return ids.Select((d, i) => (d, (string?)values[i] ?? string.Empty)).ToDictionary(p => p.d, p => p.Item2);
    }

    private async Task<bool> CompareAsync(string account, int device, string value, long ttlMs) =>
        (int)await Db.ScriptEvaluateAsync(MailboxScripts.RenewConnection, [DeliveryKeys.Connection(account, device)], [value, ttlMs])
            .ConfigureAwait(false) == 1;
}
