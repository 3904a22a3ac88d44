using System.Text;
using StackExchange.Redis;

namespace Cloudy.EndToEnd.Tests;

/// <summary>
/// Looks for strings in everything the server side keeps: every key and every value (of every type) in the
/// Redis-protocol store, and every file under the platform's data directory (the store's append-only file and
/// checkpoints, the services' logs). Logic as in <c>Cloudy.Client.Tests</c>' <c>EmbeddedServer.FindInServerDataAsync</c>,
/// copied because that one is bound to its own fixture; here the store and the directory are parameters.
/// </summary>
internal static class StoreScanner
{
    /// <summary>Every needle found, as "needle in where"; also how many keys the scan saw.</summary>
    public static async Task<(IReadOnlyList<string> Hits, int Keys)> FindAsync(string storeConnection, string dataDirectory, IReadOnlyCollection<string> needles)
    {
        var patterns = needles.Select(n => (Needle: n, Bytes: Encoding.UTF8.GetBytes(n))).ToList();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        void Check(string where, ReadOnlySpan<byte> haystack)
        {
            foreach (var (needle, bytes) in patterns)
            {
                if (haystack.IndexOf(bytes) >= 0)
                {
                    found.Add($"{needle} in {where}");
                }
            }
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(storeConnection + ",allowAdmin=true");
        var endpoint = redis.GetEndPoints().Single();
        var server = redis.GetServer(endpoint);
        var db = redis.GetDatabase();
        var keys = 0;
        await foreach (var key in server.KeysAsync(pattern: "*", pageSize: 500))
        {
            keys++;
            Check("key name", (byte[])key!);
            foreach (var value in await ValuesAsync(db, key))
            {
                Check("value of " + (string?)key, value);
            }
        }

        foreach (var file in Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories))
        {
            // The store may hold its append-only file open for writing; share it rather than fail.
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            Check("file " + Path.GetRelativePath(dataDirectory, file), buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }

        return ([.. found], keys);
    }

    private static async Task<IEnumerable<byte[]>> ValuesAsync(IDatabase db, RedisKey key) =>
        await db.KeyTypeAsync(key) switch
        {
            RedisType.String => [(byte[])(await db.StringGetAsync(key))!],
            RedisType.Hash => (await db.HashGetAllAsync(key)).SelectMany(e => new[] { (byte[])e.Name!, (byte[])e.Value! }),
            RedisType.List => (await db.ListRangeAsync(key)).Select(v => (byte[])v!),
            RedisType.Set => (await db.SetMembersAsync(key)).Select(v => (byte[])v!),
            RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(v => (byte[])v!),
            RedisType.Stream => (await db.StreamRangeAsync(key)).SelectMany(e => e.Values.SelectMany(v => new[] { (byte[])v.Name!, (byte[])v.Value! })),
            _ => [],
        };
}
