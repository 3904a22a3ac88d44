using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Cloudy.EventBus.Dapr.Tests;

/// <summary>One publish request as the stand-in sidecar received it.</summary>
internal sealed record PublishRequest(string Path, IQueryCollection Query, string? ContentType, string? ApiToken, string? TraceParent, string Body);

/// <summary>
/// A stand-in for daprd's HTTP API (no sidecar binary exists here): real Kestrel on loopback that records
/// <c>POST /v1.0/publish/{pubsub}/{topic}</c> calls and answers 204, or the status set in <see cref="RespondWith"/>.
/// </summary>
internal sealed class StandInSidecar : IAsyncDisposable
{
    private LoopbackHost _host = null!;

    public ConcurrentQueue<PublishRequest> Requests { get; } = new();

    public int RespondWith { get; set; } = StatusCodes.Status204NoContent;

    public int Port => _host.Address.Port;

    public static async Task<StandInSidecar> StartAsync()
    {
        var sidecar = new StandInSidecar();
        sidecar._host = await LoopbackHost.StartAsync(_ => { }, app =>
        {
            app.MapPost("/v1.0/publish/{pubsub}/{topic}", (Delegate)sidecar.RecordAsync);
            app.MapGet("/v1.0/healthz/outbound", () => Results.StatusCode(sidecar.RespondWith));
        });
        return sidecar;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<IResult> RecordAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        Requests.Enqueue(new PublishRequest(
            http.Request.Path,
            http.Request.Query,
            http.Request.ContentType,
            http.Request.Headers["dapr-api-token"].FirstOrDefault(),
            http.Request.Headers["traceparent"].FirstOrDefault(),
            await reader.ReadToEndAsync()));
        return RespondWith == StatusCodes.Status204NoContent
            ? Results.NoContent()
            : Results.Json(new { errorCode = "ERR_PUBSUB_PUBLISH_MESSAGE", message = "broker unavailable" }, statusCode: RespondWith);
    }
}
