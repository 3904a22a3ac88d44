using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloudy.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.EventBus.Dapr.Tests;

/// <summary>Builds a subscriber app with the Dapr adapter and the test handlers, and posts deliveries as the sidecar does.</summary>
internal static class Subscriber
{
    public static Task<LoopbackHost> StartAsync(EventSink sink, IDictionary<string, string?>? settings = null) =>
        LoopbackHost.StartAsync(
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
                builder.Services.AddSingleton(sink);
                builder.Services.AddEventHandler<AccountDeleted, RecordingAccountDeletedHandler>(Topics.Identity, "delivery");
                builder.Services.AddEventHandler<DeviceRemoved, FailingDeviceRemovedHandler>(Topics.Identity, "delivery");
                builder.Services.AddEventHandler<DeviceConnected, RecordingDeviceConnectedHandler>(Topics.Connections, "presence");
                builder.Services.AddDaprEventBus(builder.Configuration);
            },
            app => app.MapDaprEventBus());

    /// <summary>A structured CloudEvent shaped like the ones daprd delivers to app routes.</summary>
    public static JsonObject SidecarCloudEvent(string topic, IntegrationEvent @event, string key) =>
        SidecarCloudEvent(topic, JsonSerializer.SerializeToNode(EventSerializer.ToEnvelope(@event, key), EventJsonContext.Default.EventEnvelope)!);

    public static JsonObject SidecarCloudEvent(string topic, JsonNode data) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = Guid.NewGuid().ToString(),
        ["source"] = "identity",
        ["type"] = "com.dapr.event.sent",
        ["datacontenttype"] = "application/json",
        ["pubsubname"] = "cloudy-pubsub",
        ["topic"] = topic,
        ["data"] = data,
    };

    public static async Task<(HttpResponseMessage Response, string? Status)> DeliverAsync(
        HttpClient client, string topic, JsonObject cloudEvent, Action<HttpRequestMessage>? decorate = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/dapr/events/{topic}")
        {
            Content = new StringContent(cloudEvent.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/cloudevents+json");
        decorate?.Invoke(request);
        var response = await client.SendAsync(request);
        string? status = null;
        if (response.IsSuccessStatusCode)
        {
            status = JsonNode.Parse(await response.Content.ReadAsStringAsync())?["status"]?.GetValue<string>();
        }

        return (response, status);
    }
}
