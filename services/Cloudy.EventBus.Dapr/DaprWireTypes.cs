using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cloudy.EventBus.Dapr;

/// <summary>A CloudEvents 1.0 structured event as this app hands it to the sidecar.</summary>
/// <remarks>Sent as <c>application/cloudevents+json</c> so Dapr keeps our id and type instead of wrapping the body in its own event.</remarks>
internal sealed record OutgoingCloudEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    string Id,
    string Source,
    string Type,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    string Subject,
    JsonElement Data);

/// <summary>One entry of the programmatic subscription list served at <c>/dapr/subscribe</c>.</summary>
internal sealed record DaprSubscription(
    [property: JsonPropertyName("pubsubname")] string PubSubName,
    string Topic,
    string Route,
    string DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>The app's answer to a delivery: <c>SUCCESS</c>, <c>RETRY</c> or <c>DROP</c> (Dapr's pub/sub contract).</summary>
internal sealed record DaprAppResponse(string Status)
{
    public static readonly DaprAppResponse Success = new("SUCCESS");

    // Retry lets the sidecar's resiliency policy redeliver, then route to the dead-letter topic.
    public static readonly DaprAppResponse Retry = new("RETRY");

    // Drop is for poison input that no retry can fix; since Dapr 1.13 a dropped message goes to the dead-letter topic too.
    public static readonly DaprAppResponse Drop = new("DROP");
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OutgoingCloudEvent))]
[JsonSerializable(typeof(DaprSubscription[]))]
[JsonSerializable(typeof(DaprAppResponse))]
internal sealed partial class DaprJsonContext : JsonSerializerContext;
