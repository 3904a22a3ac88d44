using StackExchange.Redis;

namespace Cloudy.Store;

/// <summary>Deletes every key an account has in one service's key space.</summary>
public static class AccountKeyPurge
{
    private const int PageSize = 256;

    /// <summary>
    /// SCANs every primary for <see cref="KeySpace.AccountPattern"/> and DELs what it finds, in pages.
    /// Idempotent: a second call (an event delivered twice) finds nothing and returns 0.
    /// Only hash-tagged keys (<c>kd:{acct}:…</c>) are covered; keys indexed by something else
    /// (e.g. a public-link handle) must be removed by the owning service itself.
    /// </summary>
    /// <returns>The number of keys deleted.</returns>
    public static async Task<long> DeleteAccountKeysAsync(
        this IConnectionMultiplexer connection, KeySpace keySpace, string accountId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(keySpace);
        var pattern = keySpace.AccountPattern(accountId);
        var database = connection.GetDatabase();
        long deleted = 0;
        foreach (var server in connection.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            var page = new List<RedisKey>(PageSize);
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: PageSize).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                page.Add(key);
                if (page.Count == PageSize)
                {
                    deleted += await database.KeyDeleteAsync([.. page]).ConfigureAwait(false);
                    page.Clear();
                }
            }

            if (page.Count > 0)
            {
                deleted += await database.KeyDeleteAsync([.. page]).ConfigureAwait(false);
            }
        }

        return deleted;
    }
}
