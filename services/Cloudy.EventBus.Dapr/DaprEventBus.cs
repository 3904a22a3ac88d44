using System.Net.Http.Headers;
using System.Text.Json;
using Cloudy.Contracts;
using Microsoft.Extensions.Options;

namespace Cloudy.EventBus.Dapr;

/// <summary>
/// Publishes through the Dapr sidecar's HTTP API: <c>POST /v1.0/publish/{pubsub}/{topic}?metadata.partitionKey={key}</c>.
/// The Kafka pub/sub component turns <c>partitionKey</c> into the record key, so events of one account keep their order.
/// </summary>
/// <remarks>
/// The sidecar answers 204 only after its component has published; Dapr's Kafka component uses a synchronous
/// producer with acks=all (retrying, not idempotent: duplicates are possible, which handlers tolerate), which is
/// what the <see cref="IEventBus"/> contract asks. Anything else throws <see cref="DaprPublishException"/>.
/// W3C trace context rides on the request as <c>traceparent</c> (HttpClient instrumentation), and Dapr copies it into the event.
/// </remarks>
internal sealed class DaprEventBus(IHttpClientFactory httpClients, IOptions<DaprEventBusOptions> options) : IEventBus
{
    private static readonly MediaTypeHeaderValue _cloudEventsJson = new("application/cloudevents+json");
    private readonly DaprEventBusOptions _options = options.Value;

    /// <inheritdoc />
    public async Task PublishAsync<TEvent>(string topic, string key, TEvent @event, CancellationToken cancellationToken = default)
        where TEvent : IntegrationEvent
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(@event);

        var envelope = EventSerializer.ToEnvelope(@event, key);
        var cloudEvent = new OutgoingCloudEvent(
            "1.0",
            envelope.Id,
            $"cloudy/{_options.AppId}",
            envelope.Type,
            "application/json",
            key,
            JsonSerializer.SerializeToElement(envelope, EventJsonContext.Default.EventEnvelope));

        var path = $"v1.0/publish/{Uri.EscapeDataString(_options.PubSubName)}/{Uri.EscapeDataString(topic)}"
            + $"?metadata.partitionKey={Uri.EscapeDataString(key)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(cloudEvent, DaprJsonContext.Default.OutgoingCloudEvent)),
        };
        request.Content.Headers.ContentType = _cloudEventsJson;
        if (!string.IsNullOrEmpty(_options.ApiToken))
        {
            request.Headers.Add(DaprSidecar.ApiTokenHeader, _options.ApiToken);
        }

        using var response = await httpClients.CreateClient(DaprSidecar.HttpClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // The sidecar's error body names the component failure; it never contains our payload.
            var error = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new DaprPublishException(topic, response.StatusCode, error.Length > 512 ? error[..512] : error);
        }
    }
}

/// <summary>Names shared by the adapter's parts.</summary>
internal static class DaprSidecar
{
    /// <summary>Header of Dapr's API-token authentication (app to sidecar and sidecar to app alike).</summary>
    public const string ApiTokenHeader = "dapr-api-token";

    /// <summary>Name of the HttpClient that talks to the sidecar.</summary>
    public const string HttpClientName = "cloudy-dapr-sidecar";
}
