using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Mailbox;
using StackExchange.Redis;

namespace Cloudy.Delivery.Endpoints;

/// <summary>
/// Fixed-window send limit per sender account, counted in the store so every delivery instance shares it
/// (the in-memory ASP.NET Core limiter would multiply the budget by the instance count).
/// </summary>
internal sealed class SendRateLimiter(IConnectionMultiplexer connection, DeliveryOptions options, TimeProvider time)
{
    /// <summary>Counts one send; returns null when allowed, else how long until the window resets.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(string senderAccount)
    {
        var windowMs = Math.Max(1, (long)options.SendRateWindow.TotalMilliseconds);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = nowMs / windowMs;
        var key = DeliveryKeys.SendRate(senderAccount, window);
        var batch = connection.GetDatabase().CreateBatch();
        var count = batch.StringIncrementAsync(key);
        var expire = batch.KeyExpireAsync(key, TimeSpan.FromMilliseconds(windowMs * 2));
        batch.Execute();
        await Task.WhenAll(count, expire).ConfigureAwait(false);
        return await count.ConfigureAwait(false) <= options.SendRatePermits
            ? null
            : TimeSpan.FromMilliseconds(((window + 1) * windowMs) - nowMs);
    }
}
