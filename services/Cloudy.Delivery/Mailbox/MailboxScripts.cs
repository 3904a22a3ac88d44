namespace Cloudy.Delivery.Mailbox;

/// <summary>
/// The Lua scripts of the mailbox (Garnet runs them with <c>--lua true</c>, Redis natively). Each touches keys of
/// one account only (one hash tag), so it is atomic on a cluster too. Expiry is lazy and bounded: every script
/// that reads or writes a mailbox first drops up to 128 entries older than the cutoff, and whole keys carry a
/// TTL of one mailbox lifetime after their last write.
/// </summary>
internal static class MailboxScripts
{
    private const string ExpireOld = """
        local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 128)
        if #old > 0 then
          redis.call('ZREM', KEYS[1], unpack(old))
          redis.call('HDEL', KEYS[3], unpack(old))
          redis.call('ZREM', KEYS[2], unpack(old))
        end
        """;

    /// <summary>
    /// KEYS: queue, times, envelopes, sequence, devices, connection. ARGV: cutoff ms, id, envelope JSON, now ms,
    /// key TTL s, device id. Returns {-1} when the device is no longer registered (nothing stored), {0, conn} for
    /// an id already stored or acknowledged (idempotent redelivery), {1, conn} when stored; conn is the device's
    /// <c>instance|connection</c> or empty.
    /// </summary>
    public static readonly string Insert = WithExpiry("""
        if redis.call('HEXISTS', KEYS[5], ARGV[6]) == 0 then return {-1} end
        {{EXPIRE}}
        local conn = redis.call('GET', KEYS[6]) or ''
        if redis.call('ZSCORE', KEYS[2], ARGV[2]) then return {0, conn} end
        local seq = redis.call('INCR', KEYS[4])
        redis.call('ZADD', KEYS[1], seq, ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
        redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
        redis.call('EXPIRE', KEYS[1], ARGV[5])
        redis.call('EXPIRE', KEYS[2], ARGV[5])
        redis.call('EXPIRE', KEYS[3], ARGV[5])
        return {1, conn}
        """);

    /// <summary>
    /// KEYS: queue, times, envelopes. ARGV: cutoff ms, after sequence (exclusive), count. Returns a flat list
    /// of sequence, envelope JSON pairs, oldest first.
    /// </summary>
    public static readonly string Read = WithExpiry("""
        {{EXPIRE}}
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
        local out = {}
        for i = 1, #ids, 2 do
          local body = redis.call('HGET', KEYS[3], ids[i])
          if body then
            out[#out + 1] = ids[i + 1]
            out[#out + 1] = body
          end
        end
        return out
        """);

    /// <summary>KEYS: queue, envelopes. ARGV: id. Returns 1 when the id was in the mailbox and is now deleted, else 0.</summary>
    public const string Ack = """
        if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
          redis.call('HDEL', KEYS[2], ARGV[1])
          return 1
        end
        return 0
        """;

    /// <summary>KEYS: connection. ARGV: value, TTL ms. Sets the device's connection and returns the previous value or empty.</summary>
    public const string ClaimConnection = """
        local old = redis.call('GET', KEYS[1]) or ''
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return old
        """;

    /// <summary>KEYS: connection. ARGV: value, TTL ms (0 = delete). Renews or deletes the key only while it still holds value.</summary>
    public const string RenewConnection = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if tonumber(ARGV[2]) == 0 then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 1
        """;

    private static string WithExpiry(string body) => body.Replace("{{EXPIRE}}", ExpireOld, StringComparison.Ordinal);
}
