using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cloudy.EventBus.Dapr;

/// <summary>
/// Readiness: the sidecar's outbound side (components such as the Kafka pub/sub) is up. Uses
/// <c>/v1.0/healthz/outbound</c>, which, unlike <c>/v1.0/healthz</c>, does not wait for this app to be ready,
/// so app and sidecar cannot wait on each other.
/// </summary>
internal sealed class DaprSidecarHealthCheck(IHttpClientFactory httpClients) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await httpClients.CreateClient(DaprSidecar.HttpClientName)
                .GetAsync(new Uri("v1.0/healthz/outbound", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"Dapr sidecar outbound health {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            return HealthCheckResult.Unhealthy("Dapr sidecar unreachable", ex);
        }
    }
}
