using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Cloudy.ServiceDefaults;

/// <summary>OpenTelemetry wiring shared by every host.</summary>
internal static class TelemetryExtensions
{
    /// <summary>Activity sources and meters of our own code (e.g. <c>Cloudy.EventBus.Kafka</c>).</summary>
    public const string CloudySources = "Cloudy.*";

    /// <summary>
    /// Metrics (ASP.NET Core, HttpClient, runtime, Cloudy.*) and logs always; traces (ASP.NET Core, HttpClient,
    /// StackExchange.Redis, Cloudy.*) and the OTLP exporter only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set,
    /// so a developer run has no exporter retrying against a missing collector and pays nothing for spans.
    /// </summary>
    public static void AddCloudyTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME wins when set (Kubernetes sets it per deployment).
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(builder.Environment.ApplicationName);
                }
            })
            .WithMetrics(metrics => metrics
                .AddMeter(CloudySources)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Tracing only when spans go somewhere: unexported, it still built an activity for every request and
            // profiled every store command (the Redis instrumentation), a measurable share of each message's CPU.
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource(CloudySources)
                    .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = http => !IsProbe(http))
                    .AddHttpClientInstrumentation()
                    // Resolves IConnectionMultiplexer from DI when the host registered one (AddCloudyStore).
                    .AddRedisInstrumentation())
                .UseOtlpExporter();
        }
    }

    // Probes run every few seconds; tracing them would drown real traffic.
    private static bool IsProbe(HttpContext http) => http.Request.Path.StartsWithSegments(DefaultEndpoints.HealthPath);
}
