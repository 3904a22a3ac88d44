using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Cloudy.Contracts;

namespace Cloudy.EventBus.Dapr.Tests;

/// <summary>
/// Drives the app side of Dapr's pub/sub HTTP contract against a real Kestrel host. No Dapr sidecar binary exists on
/// this machine, so these tests play the sidecar: they read <c>/dapr/subscribe</c> and POST CloudEvents to the routes.
/// </summary>
public sealed class DaprSubscriptionEndpointsTests : IAsyncLifetime
{
    private readonly EventSink _sink = new();
    private LoopbackHost _host = null!;

    public async Task InitializeAsync() => _host = await Subscriber.StartAsync(_sink);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Subscribe_HandlersOnTwoTopics_ListsOneRoutePerTopicWithDeadLetterTopic()
    {
        var list = JsonNode.Parse(await _host.Client.GetStringAsync("/dapr/subscribe"))!.AsArray();

        var entries = list.Select(e => (
            PubSub: e!["pubsubname"]!.GetValue<string>(),
            Topic: e["topic"]!.GetValue<string>(),
            Route: e["route"]!.GetValue<string>(),
            DeadLetter: e["deadLetterTopic"]!.GetValue<string>())).ToList();
        Assert.Equal(
            [
                ("cloudy-pubsub", Topics.Connections, "/dapr/events/cloudy.connections.v1", "cloudy.connections.v1.dlq"),
                ("cloudy-pubsub", Topics.Identity, "/dapr/events/cloudy.identity.v1", "cloudy.identity.v1.dlq"),
            ],
            entries);
    }

    [Fact]
    public async Task Deliver_CloudEventForSubscribedType_InvokesHandlerAndReturnsSuccess()
    {
        var deleted = new AccountDeleted("acct-1");

        var (response, status) = await Subscriber.DeliverAsync(_host.Client, Topics.Identity, Subscriber.SidecarCloudEvent(Topics.Identity, deleted, "acct-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("SUCCESS", status);
        var received = Assert.Single(_sink.Received);
        Assert.Equal(deleted, received.Event);
    }

    [Fact]
    public async Task Deliver_SecondTopic_RoutesToThatTopicsHandler()
    {
        var connected = new DeviceConnected("acct-2", 3, "delivery-0");

        var (_, status) = await Subscriber.DeliverAsync(_host.Client, Topics.Connections, Subscriber.SidecarCloudEvent(Topics.Connections, connected, "acct-2"));

        Assert.Equal("SUCCESS", status);
        Assert.Equal(connected, Assert.Single(_sink.Received).Event);
    }

    [Fact]
    public async Task Deliver_HandlerThrows_ReturnsRetrySoDaprRetriesThenDeadLetters()
    {
        var (response, status) = await Subscriber.DeliverAsync(
            _host.Client, Topics.Identity, Subscriber.SidecarCloudEvent(Topics.Identity, new DeviceRemoved("acct-1", 2), "acct-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("RETRY", status);
    }

    [Fact]
    public async Task Deliver_MalformedEnvelope_ReturnsDropAndInvokesNothing()
    {
        var (response, status) = await Subscriber.DeliverAsync(
            _host.Client, Topics.Identity, Subscriber.SidecarCloudEvent(Topics.Identity, new JsonObject { ["id"] = 42 }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DROP", status);
        Assert.Empty(_sink.Received);
    }

    [Fact]
    public async Task Deliver_UnknownEventType_ReturnsSuccessWithoutInvokingHandlers()
    {
        var cloudEvent = Subscriber.SidecarCloudEvent(Topics.Identity, new AccountDeleted("acct-3"), "acct-3");
        cloudEvent["data"]!["type"] = "AccountRenamedInAFutureVersion";

        var (_, status) = await Subscriber.DeliverAsync(_host.Client, Topics.Identity, cloudEvent);

        Assert.Equal("SUCCESS", status);
        Assert.Empty(_sink.Received);
    }

    [Fact]
    public async Task Deliver_TraceparentFromSidecar_HandlerRunsInThatTrace()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var traceId = ActivityTraceId.CreateRandom();

        var (_, status) = await Subscriber.DeliverAsync(
            _host.Client,
            Topics.Identity,
            Subscriber.SidecarCloudEvent(Topics.Identity, new AccountDeleted("acct-4"), "acct-4"),
            r => r.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01"));

        Assert.Equal("SUCCESS", status);
        Assert.Equal(traceId, Assert.Single(_sink.Received).TraceId);
    }
}
