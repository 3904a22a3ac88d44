using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cloudy.ServiceDefaults;

/// <summary>Paths and tags of the endpoints every host serves.</summary>
public static class DefaultEndpoints
{
    /// <summary>Root of the health endpoints.</summary>
    public const string HealthPath = "/health";

    /// <summary>Liveness: the process runs (no dependency is checked).</summary>
    public const string LivePath = "/health/live";

    /// <summary>Readiness: every check tagged <see cref="ReadyTag"/> (store, Kafka) passes.</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>Tag of liveness checks.</summary>
    public const string LiveTag = "live";

    /// <summary>Tag of readiness checks (the store and bus adapters add theirs with it).</summary>
    public const string ReadyTag = "ready";

    /// <summary>The OpenAPI document of the host.</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    /// <summary>
    /// Writes <c>{"status":"Healthy","checks":{"store":"Healthy"}}</c>. Descriptions and exceptions are left
    /// out: probes are anonymous and must not reveal connection details.
    /// </summary>
    internal static Task WriteHealthAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteString(name, entry.Status.ToString());
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return http.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }
}
