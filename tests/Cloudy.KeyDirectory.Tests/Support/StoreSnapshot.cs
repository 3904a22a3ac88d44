using System.Text;
using StackExchange.Redis;

namespace Cloudy.KeyDirectory.Tests.Support;

/// <summary>Every key matching a pattern with its full content, to prove a request wrote nothing.</summary>
public static class StoreSnapshot
{
    /// <summary>Key → canonical text of its value (type-aware; hashes and sets sorted), for every key matching <paramref name="pattern"/>.</summary>
    public static async Task<SortedDictionary<string, string>> TakeAsync(IConnectionMultiplexer connection, string pattern = "kd:*")
    {
        var db = connection.GetDatabase();
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var server in connection.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000))
            {
                // A key can vanish between the scan and the read (tests poll while a purge runs): it is then left out.
                var text = await db.KeyTypeAsync(key) switch
                {
                    RedisType.None => null,
                    RedisType.Hash => Join((await db.HashGetAllAsync(key)).Select(e => e.Name + "=" + Hex(e.Value)).Order()),
                    RedisType.List => Join((await db.ListRangeAsync(key)).Select(Hex)),
                    RedisType.Set => Join((await db.SetMembersAsync(key)).Select(Hex).Order()),
                    RedisType.String => await db.StringGetAsync(key) is { IsNull: false } value ? Hex(value) : null,
                    var other => "type " + other,
                };
                if (text is not null)
                {
                    snapshot[key.ToString()] = text;
                }
            }
        }

        return snapshot;
    }

    /// <summary>A snapshot plus the keys in it that carry a TTL (they may lapse on their own).</summary>
    public sealed record Baseline(SortedDictionary<string, string> Snapshot, IReadOnlySet<string> Expiring);

    /// <summary>A <see cref="Baseline"/> of the keys matching <paramref name="pattern"/>.</summary>
    public static async Task<Baseline> BaselineAsync(IConnectionMultiplexer connection, string pattern = "kd:*")
    {
        var snapshot = await TakeAsync(connection, pattern);
        var db = connection.GetDatabase();
        var expiring = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in snapshot.Keys)
        {
            if (await db.KeyTimeToLiveAsync(key) is not null || !await db.KeyExistsAsync(key))
            {
                expiring.Add(key);
            }
        }

        return new Baseline(snapshot, expiring);
    }

    /// <summary>
    /// Asserts the keys matching <paramref name="pattern"/> are exactly as in <paramref name="before"/>, except that keys
    /// with a TTL may have lapsed meanwhile: other test classes' short-window rate counters share the store, and their
    /// lapsing is not a write.
    /// </summary>
    public static async Task AssertUnchangedAsync(IConnectionMultiplexer connection, Baseline before, string pattern = "kd:*")
    {
        var after = await TakeAsync(connection, pattern);
        var expected = before.Snapshot.Where(kv => after.ContainsKey(kv.Key) || !before.Expiring.Contains(kv.Key));
        Assert.Equal(expected, after);
    }

    private static string Hex(RedisValue value) => Convert.ToHexString((byte[])value!);

    /// <summary>Null for no parts: the store keeps no empty hash, list or set, so the key is gone.</summary>
    private static string? Join(IEnumerable<string> parts) => parts.Any() ? string.Join(',', parts) : null;

    /// <summary>Text of a snapshot for assertion messages.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> snapshot) =>
        snapshot.Aggregate(new StringBuilder(), (b, kv) => b.Append(kv.Key).Append(" (").Append(kv.Value.Length).Append(" chars)\n")).ToString();
}
