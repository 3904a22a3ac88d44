using Cloudy.Contracts;
using Cloudy.Delivery.Tests.Support;
using Cloudy.Testing;
using Cloudy.Testing.Kafka;
using static Cloudy.Delivery.Tests.Support.DeliveryApi;

namespace Cloudy.Delivery.Tests;

/// <summary>
/// Platform mode: delivery with the Kafka adapter against librdkafka's mock cluster — a Kafka broker TEST
/// DOUBLE (real protocol on loopback, in memory) — and Garnet. A send is acknowledged after the producer's
/// acks=all delivery report; the <c>delivery</c> consumer group stores it and the stream receives it.
/// </summary>
[Collection(DeliveryCollection.Name)]
public sealed class PlatformModeTests(GarnetFixture garnet) : IAsyncLifetime
{
    private readonly KafkaBrokerTestDoubleFixture _kafka = new();
    private DeliveryHost? _host;

    private DeliveryHost Host => _host ?? throw new InvalidOperationException("Not initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        foreach (var topic in Topics.All)
        {
            _kafka.Cluster.CreateTopic(topic, 2);
            _kafka.Cluster.CreateTopic(Topics.DeadLetter(topic), 1);
        }

        _host = await DeliveryHost.StartAsync(garnet, new Dictionary<string, string?>
        {
            ["Bus:Adapter"] = "Kafka",
            ["Kafka:BootstrapServers"] = _kafka.BootstrapServers,
            ["Kafka:SessionTimeout"] = "00:00:06",
        });
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _kafka.Dispose();
    }

    [Fact]
    public async Task Send_OverKafkaBrokerTestDouble_StoredThenDrainedAndLivePushed()
    {
        using var http = Host.CreateClient();
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        await http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("stored")), new Msg(2, Content("stored")));
        await http.WaitForMailboxAsync(Host.Token(bob, 2), 1);

        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 1));
        Assert.Equal(Content("stored"), (await stream.ExpectAsync("envelope", 30)).GetProperty("envelope").GetProperty("content").GetString());
        await stream.ExpectAsync("queue-empty");
        await http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("live")), new Msg(2, Content("live")));

        Assert.Equal(Content("live"), (await stream.ExpectAsync("envelope", 30)).GetProperty("envelope").GetProperty("content").GetString());
    }
}
