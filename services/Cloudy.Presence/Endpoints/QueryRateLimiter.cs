using Cloudy.Presence.Storage;

namespace Cloudy.Presence.Endpoints;

/// <summary>
/// Fixed-window budget of presence look-ups per caller account, counted in the store so every presence instance
/// shares it. A query costs 1, a watch costs one per account named (it answers each one's presence too).
/// </summary>
internal sealed class QueryRateLimiter(PresenceStore store, PresenceOptions options, TimeProvider time)
{
    /// <summary>Charges <paramref name="cost"/>; null when allowed, else how long until the window resets.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(string caller, int cost)
    {
        var windowMs = Math.Max(1, (long)options.QueryWindow.TotalMilliseconds);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = nowMs / windowMs;
        var count = await store.ChargeAsync(caller, window, cost).ConfigureAwait(false);
        return count <= options.QueryPermits ? null : TimeSpan.FromMilliseconds(((window + 1) * windowMs) - nowMs);
    }
}
