namespace Cloudy.Presence.Storage;

/// <summary>
/// Lua scripts of the presence projection (Garnet runs them with <c>--lua true</c>, Redis natively). Each touches
/// one account's keys only. The published state is "online while the device set is non-empty"; a lapsed heartbeat
/// leaves its device in the set until a disconnect, connect or the sweeper prunes it, so every online → offline
/// transition is seen by exactly one script run, which reports it for the push.
/// </summary>
internal static class PresenceScripts
{
    // KEYS (connection scripts): 1 devices, 2 instances, 3 seen, 4 tombstone. ARGV[1] is always now (ms).
    private const string Helpers = """
        local function int(x) return string.format('%d', math.floor(tonumber(x))) end
        local function round(ms, step)
          if step <= 0 then return ms end
          return ms - (ms % step)
        end
        local function prune()
          local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES')
          local latest = nil
          for i = 1, #gone, 2 do
            redis.call('HDEL', KEYS[2], gone[i])
            local s = tonumber(gone[i + 1])
            if (not latest) or s > latest then latest = s end
          end
          if #gone > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1]) end
          return latest
        end
        local function earliest()
          local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
          if #first == 0 then return -1 end
          return tonumber(first[2])
        end
        local function setSeen(ms)
          local prev = tonumber(redis.call('GET', KEYS[3]) or '-1')
          if ms > prev then redis.call('SET', KEYS[3], int(ms)) end
        end

        """;

    /// <summary>
    /// ARGV: now, device, instance, heartbeat expiry (ms), key grace (ms). Returns {went online 0/1, earliest
    /// expiry}, or {-1, -1} for a deleted account. Keys outlive the last expiry by the grace so the sweeper still
    /// sees a lapsed device (and reports the user offline) before the keys vanish.
    /// </summary>
    public const string Connected = Helpers + """
        if redis.call('EXISTS', KEYS[4]) == 1 then return {-1, -1} end
        local was = redis.call('ZCARD', KEYS[1]) > 0
        prune()
        local cur = redis.call('ZSCORE', KEYS[1], ARGV[2])
        if (not cur) or tonumber(cur) < tonumber(ARGV[4]) then redis.call('ZADD', KEYS[1], ARGV[4], ARGV[2]) end
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
        local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
        local until_ms = int(tonumber(last[2]) + tonumber(ARGV[5]))
        redis.call('PEXPIREAT', KEYS[1], until_ms)
        redis.call('PEXPIREAT', KEYS[2], until_ms)
        if was then return {0, earliest()} end
        return {1, earliest()}
        """;

    /// <summary>
    /// ARGV: now, device, instance, rounded last seen (ms). Ignored ({-1, …}) unless <c>instance</c> still holds the
    /// device (a replaced or lapsed connection's late disconnect must not end a newer one). Returns {went offline 0/1,
    /// earliest expiry or -1}.
    /// </summary>
    public const string Disconnected = Helpers + """
        if redis.call('EXISTS', KEYS[4]) == 1 then return {-1, -1} end
        if redis.call('HGET', KEYS[2], ARGV[2]) ~= ARGV[3] then return {-1, earliest()} end
        local was = redis.call('ZCARD', KEYS[1]) > 0
        prune()
        redis.call('ZREM', KEYS[1], ARGV[2])
        redis.call('HDEL', KEYS[2], ARGV[2])
        if redis.call('ZCARD', KEYS[1]) > 0 then return {0, earliest()} end
        setSeen(tonumber(ARGV[4]))
        if was then return {1, -1} end
        return {0, -1}
        """;

    /// <summary>
    /// ARGV: now, heartbeat TTL (ms), last-seen precision (ms). Prunes lapsed devices; when that empties the set the
    /// user went offline at its last heartbeat (expiry − TTL, rounded). Returns {went offline 0/1, earliest expiry or -1}.
    /// </summary>
    public const string Sweep = Helpers + """
        if redis.call('EXISTS', KEYS[4]) == 1 then return {-1, -1} end
        local was = redis.call('ZCARD', KEYS[1]) > 0
        local latest = prune()
        if redis.call('ZCARD', KEYS[1]) > 0 then return {0, earliest()} end
        if not was then return {0, -1} end
        if latest then setSeen(round(latest - tonumber(ARGV[2]), tonumber(ARGV[3]))) end
        return {1, -1}
        """;

    /// <summary>
    /// KEYS: 1 devices, 2 seen, 3 visibility, 4 allow. ARGV: now, caller, owner, heartbeat TTL (ms), precision (ms).
    /// Returns {0} when the caller may not see the owner, else {1, online 0/1, last seen ms or -1}. A lapsed
    /// heartbeat already reads as offline here, before the sweeper gets to it.
    /// </summary>
    public const string Read = """
        local function round(ms, step)
          if step <= 0 then return ms end
          return ms - (ms % step)
        end
        if ARGV[2] ~= ARGV[3] then
          local v = redis.call('GET', KEYS[3])
          local allowed = (v == 'everyone') or (v == 'allowlist' and redis.call('SISMEMBER', KEYS[4], ARGV[2]) == 1)
          if not allowed then return {0} end
        end
        local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
        if #top > 0 and tonumber(top[2]) > tonumber(ARGV[1]) then return {1, 1, -1} end
        local seen = tonumber(redis.call('GET', KEYS[2]) or '-1')
        if #top > 0 then
          local derived = round(tonumber(top[2]) - tonumber(ARGV[4]), tonumber(ARGV[5]))
          if derived > seen then seen = derived end
        end
        return {1, 0, string.format('%d', math.floor(seen))}
        """;

    /// <summary>
    /// KEYS: 1 watchers, 2 visibility, 3 allow. ARGV: now. The live watchers the owner allows now (prunes expired ones).
    /// </summary>
    public const string AllowedWatchers = """
        local v = redis.call('GET', KEYS[2])
        if v ~= 'everyone' and v ~= 'allowlist' then return {} end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        local ws = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')
        if v == 'everyone' then return ws end
        local out = {}
        for _, w in ipairs(ws) do
          if redis.call('SISMEMBER', KEYS[3], w) == 1 then out[#out + 1] = w end
        end
        return out
        """;

    /// <summary>
    /// KEYS: 1 watchers. ARGV: now, watcher, expiry (ms), most watchers, key TTL (ms). Registers or renews the watch;
    /// returns 1, or 0 when the account already has the most watchers allowed.
    /// </summary>
    public const string Watch = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if redis.call('ZSCORE', KEYS[1], ARGV[2]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
          redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
          redis.call('PEXPIRE', KEYS[1], ARGV[5])
          return 1
        end
        return 0
        """;

    /// <summary>KEYS: 1 sweep index. ARGV: account, score read, new score (-1 = remove). Only if nobody moved it meanwhile.</summary>
    public const string Reschedule = """
        local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if cur and tonumber(cur) == tonumber(ARGV[2]) then
          if tonumber(ARGV[3]) < 0 then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
          return 1
        end
        return 0
        """;

    /// <summary>KEYS: 1 counter. ARGV: cost, window (ms). Adds the cost to a fixed-window counter; returns the new count.</summary>
    public const string Charge = """
        local n = redis.call('INCRBY', KEYS[1], ARGV[1])
        if n == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return n
        """;
}
