using Cloudy.Contracts;

namespace Cloudy.KafkaMock;

/// <summary>Shape of a <see cref="MockKafkaCluster"/> (a broker test double).</summary>
public sealed record MockKafkaClusterOptions
{
    /// <summary>Number of mock brokers (ids 1..n), each on its own loopback port.</summary>
    public int Brokers { get; init; } = 1;

    /// <summary>Partitions of each pre-created topic.</summary>
    public int Partitions { get; init; } = 3;

    /// <summary>Topics to pre-create; <c>null</c> means every platform topic and its dead-letter topic.</summary>
    public IReadOnlyList<string>? Topics { get; init; }

    /// <summary>
    /// The broker's <c>group.initial.rebalance.delay.ms</c>. librdkafka's mock waits 3 s by default before
    /// the first assignment of a group; a short delay keeps tests quick.
    /// </summary>
    public TimeSpan InitialRebalanceDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>librdkafka log level (syslog numbering, 0-7) of the hosting handle; 3 = errors only.</summary>
    public int LogLevel { get; init; } = 3;

    /// <summary>The default topic set: <see cref="Cloudy.Contracts.Topics.All"/> plus each <c>.dlq</c>.</summary>
    public static IReadOnlyList<string> PlatformTopics { get; } =
        [.. Cloudy.Contracts.Topics.All, .. Cloudy.Contracts.Topics.All.Select(Cloudy.Contracts.Topics.DeadLetter)];

    /// <summary>The topics that will actually be created.</summary>
    public IReadOnlyList<string> EffectiveTopics => Topics ?? PlatformTopics;
}
