using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloudy.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.EventBus.Dapr.Tests;

/// <summary>
/// Publishing through the Dapr adapter, received by a stand-in sidecar (real Kestrel on loopback; no daprd binary here).
/// The adapter finds the sidecar the way it does in a pod: from <c>DAPR_HTTP_PORT</c>.
/// </summary>
public sealed class DaprEventBusPublishTests : IAsyncLifetime
{
    private StandInSidecar _sidecar = null!;

    public async Task InitializeAsync() => _sidecar = await StandInSidecar.StartAsync();

    public async Task DisposeAsync() => await _sidecar.DisposeAsync();

    [Fact]
    public async Task PublishAsync_SidecarAccepts_PostsCloudEventToPublishPathWithPartitionKey()
    {
        await using var services = BusServices(new() { ["APP_ID"] = "identity" });
        var deleted = new AccountDeleted("acct-7");

        await services.GetRequiredService<IEventBus>().PublishAsync(Topics.Identity, "acct-7", deleted);

        var request = Assert.Single(_sidecar.Requests);
        Assert.Equal("/v1.0/publish/cloudy-pubsub/cloudy.identity.v1", request.Path);
        Assert.Equal("acct-7", request.Query["metadata.partitionKey"]);
        Assert.Equal("application/cloudevents+json", request.ContentType);
        Assert.Null(request.ApiToken);
        var cloudEvent = JsonNode.Parse(request.Body)!;
        Assert.Equal("1.0", cloudEvent["specversion"]!.GetValue<string>());
        Assert.Equal(deleted.EventId, cloudEvent["id"]!.GetValue<string>());
        Assert.Equal("AccountDeleted", cloudEvent["type"]!.GetValue<string>());
        Assert.Equal("cloudy/identity", cloudEvent["source"]!.GetValue<string>());
        Assert.Equal("application/json", cloudEvent["datacontenttype"]!.GetValue<string>());
        var envelope = cloudEvent["data"].Deserialize(EventJsonContext.Default.EventEnvelope)!;
        Assert.Equal("acct-7", envelope.Key);
        Assert.Equal(deleted, EventSerializer.ToEvent(envelope));
    }

    [Fact]
    public async Task PublishAsync_ApiTokenConfigured_SendsDaprApiTokenHeader()
    {
        await using var services = BusServices(new() { ["DAPR_API_TOKEN"] = "app-to-sidecar" });

        await services.GetRequiredService<IEventBus>().PublishAsync(Topics.Keys, "acct-8", new PreKeysLow("acct-8", 1, 3, 2));

        Assert.Equal("app-to-sidecar", Assert.Single(_sidecar.Requests).ApiToken);
    }

    [Fact]
    public async Task PublishAsync_CustomPubSubName_UsesItInPath()
    {
        await using var services = BusServices(new() { ["Dapr:PubSubName"] = "kafka-eu" });

        await services.GetRequiredService<IEventBus>().PublishAsync(Topics.Envelopes, "acct-9", new AccountDeleted("acct-9"));

        Assert.Equal("/v1.0/publish/kafka-eu/cloudy.envelopes.v1", Assert.Single(_sidecar.Requests).Path);
    }

    [Fact]
    public async Task PublishAsync_SidecarReturns500_ThrowsDaprPublishException()
    {
        _sidecar.RespondWith = 500;
        await using var services = BusServices([]);

        var ex = await Assert.ThrowsAsync<DaprPublishException>(() =>
            services.GetRequiredService<IEventBus>().PublishAsync(Topics.Identity, "acct-10", new AccountDeleted("acct-10")));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("ERR_PUBSUB_PUBLISH_MESSAGE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_SidecarForwardsPublishedEventToSubscriber_HandlerReceivesEvent()
    {
        var sink = new EventSink();
        await using var subscriber = await Subscriber.StartAsync(sink);
        await using var services = BusServices(new() { ["APP_ID"] = "identity" });
        var deleted = new AccountDeleted("acct-11");

        await services.GetRequiredService<IEventBus>().PublishAsync(Topics.Identity, "acct-11", deleted);
        // What daprd does with an app-supplied CloudEvent: keep it, add routing attributes, deliver to the subscriber's route.
        var delivered = JsonNode.Parse(Assert.Single(_sidecar.Requests).Body)!.AsObject();
        delivered["pubsubname"] = "cloudy-pubsub";
        delivered["topic"] = Topics.Identity;
        var (_, status) = await Subscriber.DeliverAsync(subscriber.Client, Topics.Identity, delivered);

        Assert.Equal("SUCCESS", status);
        Assert.Equal(deleted, Assert.Single(sink.Received).Event);
    }

    private ServiceProvider BusServices(Dictionary<string, string?> settings)
    {
        settings["DAPR_HTTP_PORT"] = _sidecar.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddDaprEventBus(configuration).BuildServiceProvider();
    }
}
