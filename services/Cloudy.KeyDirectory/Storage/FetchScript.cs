namespace Cloudy.KeyDirectory.Storage;

/// <summary>
/// The bundle-fetch Lua script: counts the fetch against the requester→target window, then for each
/// device pops one EC and one PQ one-time prekey and reads its long-lived keys.
/// </summary>
/// <remarks>
/// Exclusivity of a handed-out key rests on LPOP itself, which is atomic on every Redis-protocol
/// server; it does not depend on the script being isolated as a whole (Garnet runs scripts without
/// key locks unless <c>--lua-transaction-mode</c> is on). Likewise HSETNX makes "publish PreKeysLow once"
/// hold under concurrency, and the counter is one INCR. Every key used is passed in KEYS, all under
/// the target account's hash tag, so the script is cluster-safe.
/// <para>KEYS: [1] fetch counter, then per device: hash, EC list, PQ list.
/// ARGV: [1] permits, [2] window in ms, [3] low threshold.</para>
/// <para>Returns <c>{0, retryAfterMs}</c> when rate-limited, else <c>{1, 0}</c> followed by
/// <see cref="FieldsPerDevice"/> values per device: identity key ('' = no keys), registration id,
/// signed prekey, last-resort key, EC one-time entry ('' = none), PQ one-time entry ('' = none),
/// EC left, PQ left, 1 when this fetch crossed a low threshold.</para>
/// </remarks>
internal static class FetchScript
{
    public const int FieldsPerDevice = 9;

    public const string Source = """
        local count = redis.call('INCR', KEYS[1])
        if redis.call('PTTL', KEYS[1]) < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        if count > tonumber(ARGV[1]) then
          return {0, redis.call('PTTL', KEYS[1])}
        end
        local threshold = tonumber(ARGV[3])
        local out = {1, 0}
        for i = 2, #KEYS, 3 do
          local dev = redis.call('HMGET', KEYS[i], 'ik', 'reg', 'spk', 'pqlr')
          if dev[1] then
            local ec = redis.call('LPOP', KEYS[i + 1]) or ''
            local pq = redis.call('LPOP', KEYS[i + 2]) or ''
            local ecLeft = redis.call('LLEN', KEYS[i + 1])
            local pqLeft = redis.call('LLEN', KEYS[i + 2])
            local crossed = 0
            if ecLeft < threshold and redis.call('HSETNX', KEYS[i], 'lowEc', '1') == 1 then crossed = 1 end
            if pqLeft < threshold and redis.call('HSETNX', KEYS[i], 'lowPq', '1') == 1 then crossed = 1 end
            for _, v in ipairs({dev[1], dev[2] or '', dev[3] or '', dev[4] or '', ec, pq, ecLeft, pqLeft, crossed}) do
              out[#out + 1] = v
            end
          else
            for _, v in ipairs({'', '', '', '', '', '', 0, 0, 0}) do
              out[#out + 1] = v
            end
          end
        end
        return out
        """;
}
