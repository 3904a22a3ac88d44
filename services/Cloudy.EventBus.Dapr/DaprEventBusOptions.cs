namespace Cloudy.EventBus.Dapr;

/// <summary>
/// Settings of the Dapr adapter, bound from the <c>Dapr</c> configuration section. The sidecar
/// injector sets <c>DAPR_HTTP_PORT</c>, <c>APP_ID</c> and (with API tokens enabled)
/// <c>DAPR_API_TOKEN</c> / <c>APP_API_TOKEN</c>; those are used when the section leaves a value unset.
/// </summary>
public sealed record DaprEventBusOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Dapr";

    /// <summary>Name of the Dapr pub/sub component (the chart installs <c>cloudy-pubsub</c>).</summary>
    public string PubSubName { get; init; } = "cloudy-pubsub";

    /// <summary>Base address of the sidecar's HTTP API; default <c>http://127.0.0.1:$DAPR_HTTP_PORT</c> (3500).</summary>
    public Uri? SidecarHttpEndpoint { get; init; }

    /// <summary>Token this app sends to the sidecar (<c>dapr-api-token</c> header); from <c>DAPR_API_TOKEN</c>.</summary>
    public string? ApiToken { get; init; }

    /// <summary>Token the sidecar must present when delivering to this app; from <c>APP_API_TOKEN</c>. Unset: not checked.</summary>
    public string? AppApiToken { get; init; }

    /// <summary>Dapr app id, used as the CloudEvent <c>source</c>; from <c>APP_ID</c>.</summary>
    public string AppId { get; init; } = "cloudy";

    /// <summary>Path prefix of the subscription endpoints; the topic name is appended.</summary>
    public string RoutePrefix { get; init; } = "/dapr/events";
}
