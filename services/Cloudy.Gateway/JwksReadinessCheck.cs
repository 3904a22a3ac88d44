using Cloudy.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Gateway;

/// <summary>
/// Ready only while identity's JWKS can be fetched and holds a key: without it the gateway could
/// not validate a single token, so it should not receive traffic.
/// </summary>
internal sealed class JwksReadinessCheck(IHttpClientFactory http, AuthOptions options) : IHealthCheck
{
    public const string Name = "jwks";

    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            var json = await http.CreateClient(Name).GetStringAsync(options.JwksUrl, timeout.Token).ConfigureAwait(false);
            return new JsonWebKeySet(json).Keys.Count > 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("Identity's JWKS holds no keys.");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            // The probe is anonymous: say what failed, not where or why in detail.
            return HealthCheckResult.Unhealthy("Identity's JWKS is unreachable or invalid.");
        }
    }
}
