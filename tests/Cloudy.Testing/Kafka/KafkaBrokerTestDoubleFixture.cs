using Cloudy.Contracts;
using Cloudy.KafkaMock;

namespace Cloudy.Testing.Kafka;

/// <summary>
/// xunit fixture hosting librdkafka's mock cluster in the test process: a Kafka broker TEST DOUBLE
/// (real protocol on loopback, in memory). Tests create their own uniquely named topics so that they
/// can share one cluster and run in parallel.
/// </summary>
public sealed class KafkaBrokerTestDoubleFixture : IDisposable
{
    /// <summary>The hosted mock cluster.</summary>
    public MockKafkaCluster Cluster { get; } = MockKafkaCluster.Start(new MockKafkaClusterOptions { Topics = [] });

    /// <summary>Bootstrap list of the mock brokers.</summary>
    public string BootstrapServers => Cluster.BootstrapServers;

    /// <summary>Creates a fresh topic and its dead-letter topic; returns the topic name.</summary>
    public string CreateTopic(string name, int partitions = 1)
    {
        var topic = $"test.{name}.{Guid.NewGuid():N}";
        Cluster.CreateTopic(topic, partitions);
        Cluster.CreateTopic(Topics.DeadLetter(topic), 1);
        return topic;
    }

    /// <inheritdoc />
    public void Dispose() => Cluster.Dispose();
}
