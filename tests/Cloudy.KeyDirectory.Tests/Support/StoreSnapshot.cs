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
                snapshot[key.ToString()] = await db.KeyTypeAsync(key) switch
                {
                    RedisType.Hash => Join((await db.HashGetAllAsync(key)).Select(e => e.Name + "=" + Hex(e.Value)).Order()),
                    RedisType.List => Join((await db.ListRangeAsync(key)).Select(Hex)),
                    RedisType.Set => Join((await db.SetMembersAsync(key)).Select(Hex).Order()),
                    RedisType.String => Hex(await db.StringGetAsync(key)),
                    var other => "type " + other,
                };
            }
        }

        return snapshot;
    }

    private static string Hex(RedisValue value) => Convert.ToHexString((byte[])value!);

    private static string Join(IEnumerable<string> parts) => string.Join(',', parts);

    /// <summary>Text of a snapshot for assertion messages.</summary>
    public static string Describe(IReadOnlyDictionary<string, string> snapshot) =>
        snapshot.Aggregate(new StringBuilder(), (b, kv) => b.Append(kv.Key).Append(" (").Append(kv.Value.Length).Append(" chars)\n")).ToString();
}
