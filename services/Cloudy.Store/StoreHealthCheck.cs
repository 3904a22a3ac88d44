using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Cloudy.Store;

/// <summary>Readiness: the store answers PING.</summary>
public sealed class StoreHealthCheck(IConnectionMultiplexer connection) : IHealthCheck
{
    /// <summary>Name of the check in health reports.</summary>
    public const string Name = "store";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The store did not answer PING.", ex);
        }
    }
}
