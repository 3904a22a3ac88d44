using System.Globalization;
using Cloudy.Presence.Domain;
using StackExchange.Redis;

namespace Cloudy.Presence.Storage;

/// <summary>Outcome of a connection script: whether the account's published state flipped, and the next expiry.</summary>
/// <param name="Flipped">Online → offline (disconnect, sweep) or offline → online (connect).</param>
/// <param name="Ignored">The event did not apply (deleted account, stale instance).</param>
/// <param name="EarliestExpiryMs">Earliest heartbeat expiry left, or -1 when no device is left.</param>
internal readonly record struct Transition(bool Flipped, bool Ignored, long EarliestExpiryMs);

/// <summary>What a caller may see of an account.</summary>
/// <param name="Online">A device holds a live stream.</param>
/// <param name="LastSeenMs">Rounded last seen (ms), null while online or when never seen.</param>
internal readonly record struct PresenceView(bool Online, long? LastSeenMs);

/// <summary>Presence's access to the store (layout: <see cref="PresenceKeys"/>, scripts: <see cref="PresenceScripts"/>).</summary>
internal sealed class PresenceStore(IConnectionMultiplexer connection, PresenceOptions options)
{
    private IDatabase Db => connection.GetDatabase();

    private long TtlMs => (long)options.HeartbeatTtl.TotalMilliseconds;

    private long PrecisionMs => (long)options.LastSeenPrecision.TotalMilliseconds;

    public async Task<Transition> ConnectedAsync(string account, int device, string instance, long expiryMs, long nowMs)
    {
        var grace = Math.Max(TtlMs, (long)TimeSpan.FromHours(1).TotalMilliseconds);
        var result = await RunAsync(PresenceScripts.Connected, PresenceKeys.ConnectionKeys(account), [nowMs, device, instance, expiryMs, grace]);
        return await IndexAsync(account, result).ConfigureAwait(false);
    }

    public async Task<Transition> DisconnectedAsync(string account, int device, string instance, long seenMs, long nowMs)
    {
        var result = await RunAsync(PresenceScripts.Disconnected, PresenceKeys.ConnectionKeys(account), [nowMs, device, instance, seenMs]);
        return await IndexAsync(account, result).ConfigureAwait(false);
    }

    /// <summary>Prunes lapsed heartbeats of <paramref name="account"/>; moves its index entry only if still <paramref name="indexedMs"/>.</summary>
    public async Task<Transition> SweepAsync(string account, long indexedMs, long nowMs)
    {
        var transition = ToTransition(await RunAsync(PresenceScripts.Sweep, PresenceKeys.ConnectionKeys(account), [nowMs, TtlMs, PrecisionMs]));
        await Db.ScriptEvaluateAsync(PresenceScripts.Reschedule, [PresenceKeys.SweepIndex], [account, indexedMs, transition.EarliestExpiryMs])
            .ConfigureAwait(false);
        return transition;
    }

    /// <summary>Removes <paramref name="account"/> from the sweep index.</summary>
    public Task UnindexAsync(string account) => Db.SortedSetRemoveAsync(PresenceKeys.SweepIndex, account);

    /// <summary>Accounts whose earliest heartbeat lapsed by <paramref name="nowMs"/>, with their index score.</summary>
    public async Task<IReadOnlyList<(string Account, long IndexedMs)>> DueAsync(long nowMs, int take)
    {
        var due = await Db.SortedSetRangeByScoreWithScoresAsync(PresenceKeys.SweepIndex, double.NegativeInfinity, nowMs, take: take)
            .ConfigureAwait(false);
        return [.. due.Select(e => ((string)e.Element!, (long)e.Score))];
    }

    /// <summary>The owner's presence as <paramref name="caller"/> may see it, or null when the owner does not allow it.</summary>
    public async Task<PresenceView?> ReadAsync(string owner, string caller, long nowMs)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(PresenceScripts.Read,
            [PresenceKeys.Devices(owner), PresenceKeys.Seen(owner), PresenceKeys.Visibility(owner), PresenceKeys.Allow(owner)],
            [nowMs, caller, owner, TtlMs, PrecisionMs]).ConfigureAwait(false))!;
        if ((long)result[0] == 0)
        {
            return null;
        }

        var seen = long.Parse((string)result[2]!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return new PresenceView((long)result[1] == 1, seen < 0 ? null : seen);
    }

    /// <summary>Live watchers of <paramref name="owner"/> that its visibility allows now.</summary>
    public async Task<IReadOnlyList<string>> AllowedWatchersAsync(string owner, long nowMs)
    {
        var result = await Db.ScriptEvaluateAsync(PresenceScripts.AllowedWatchers,
            [PresenceKeys.Watchers(owner), PresenceKeys.Visibility(owner), PresenceKeys.Allow(owner)], [nowMs]).ConfigureAwait(false);
        return [.. ((RedisResult[])result!).Select(r => (string)r!)];
    }

    /// <summary>Registers <paramref name="watcher"/> on each target (pipelined); returns how many were registered.</summary>
    public async Task<int> WatchAsync(string watcher, IReadOnlyList<string> targets, long nowMs)
    {
        var ttl = (long)options.WatchTtl.TotalMilliseconds;
        var batch = Db.CreateBatch();
        var calls = targets.Select(t => batch.ScriptEvaluateAsync(PresenceScripts.Watch, [PresenceKeys.Watchers(t)],
            [nowMs, watcher, nowMs + ttl, options.MaxWatchersPerAccount, ttl])).ToList();
        batch.Execute();
        var results = await Task.WhenAll(calls).ConfigureAwait(false);
        return results.Count(r => (long)r == 1);
    }

    public async Task<(Visibility Visibility, IReadOnlyList<string> Allow)> GetSettingsAsync(string owner)
    {
        var batch = Db.CreateBatch();
        var visibility = batch.StringGetAsync(PresenceKeys.Visibility(owner));
        var allow = batch.SetMembersAsync(PresenceKeys.Allow(owner));
        batch.Execute();
        VisibilityNames.TryParse(await visibility.ConfigureAwait(false), out var parsed);
        var members = (await allow.ConfigureAwait(false)).Select(m => (string)m!).Order(StringComparer.Ordinal).ToList();
        return (parsed, members);
    }

    /// <summary>
    /// Replaces the settings in one transaction; <paramref name="allow"/> null keeps the allowlist. False (nothing
    /// written) when the account was deleted.
    /// </summary>
    public async Task<bool> PutSettingsAsync(string owner, Visibility visibility, IReadOnlyList<string>? allow)
    {
        var tx = Db.CreateTransaction();
        tx.AddCondition(Condition.KeyNotExists(PresenceKeys.Tombstone(owner)));
        _ = tx.StringSetAsync(PresenceKeys.Visibility(owner), visibility.ToWire());
        if (allow is not null)
        {
            _ = tx.KeyDeleteAsync(PresenceKeys.Allow(owner));
            if (allow.Count > 0)
            {
                _ = tx.SetAddAsync(PresenceKeys.Allow(owner), [.. allow.Select(a => (RedisValue)a)]);
            }
        }

        return await tx.ExecuteAsync().ConfigureAwait(false);
    }

    /// <summary>Adds <paramref name="cost"/> to the caller's look-up window; returns the count so far in the window.</summary>
    public async Task<long> ChargeAsync(string caller, long window, long cost) =>
        (long)await Db.ScriptEvaluateAsync(PresenceScripts.Charge, [PresenceKeys.Rate(caller, window)],
            [cost, (long)options.QueryWindow.TotalMilliseconds * 2]).ConfigureAwait(false);

    /// <summary>Deletes what presence holds for a deleted account and leaves a short-lived tombstone.</summary>
    public async Task ForgetAsync(string account)
    {
        var tx = Db.CreateTransaction();
        _ = tx.StringSetAsync(PresenceKeys.Tombstone(account), "1", options.TombstoneTtl);
        _ = tx.KeyDeleteAsync(PresenceKeys.StateKeys(account));
        await tx.ExecuteAsync().ConfigureAwait(false);
        await Db.SortedSetRemoveAsync(PresenceKeys.SweepIndex, account).ConfigureAwait(false);
    }

    private async Task<RedisResult[]> RunAsync(string script, RedisKey[] keys, RedisValue[] args) =>
        (RedisResult[])(await Db.ScriptEvaluateAsync(script, keys, args).ConfigureAwait(false))!;

    /// <summary>Keeps the sweep index in step with the account's earliest expiry (not atomic with the script: the sweeper re-checks).</summary>
    private async Task<Transition> IndexAsync(string account, RedisResult[] result)
    {
        var transition = ToTransition(result);
        if (transition.Ignored && transition.EarliestExpiryMs < 0)
        {
            return transition;
        }

        if (transition.EarliestExpiryMs >= 0)
        {
            await Db.SortedSetAddAsync(PresenceKeys.SweepIndex, account, transition.EarliestExpiryMs).ConfigureAwait(false);
        }
        else
        {
            await Db.SortedSetRemoveAsync(PresenceKeys.SweepIndex, account).ConfigureAwait(false);
        }

        return transition;
    }

    private static Transition ToTransition(RedisResult[] result)
    {
        var flag = (long)result[0];
        return new Transition(flag == 1, flag < 0, (long)result[1]);
    }
}
