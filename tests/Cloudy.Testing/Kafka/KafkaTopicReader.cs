using Cloudy.EventBus.Kafka;
using Confluent.Kafka;

namespace Cloudy.Testing.Kafka;

/// <summary>Reads raw records of a topic from the beginning, outside any consumer group (no rebalance wait).</summary>
public static class KafkaTopicReader
{
    /// <summary>
    /// Returns the first <paramref name="count"/> records of <paramref name="topic"/> (partitions
    /// 0..<paramref name="partitions"/>-1), waiting up to <paramref name="timeout"/> for them.
    /// </summary>
    /// <exception cref="TimeoutException">Fewer records arrived in time.</exception>
    public static IReadOnlyList<ConsumeResult<string, byte[]>> Read(
        string bootstrapServers, string topic, int count, TimeSpan timeout, int partitions = 1)
    {
        KafkaNative.EnsureLoaded();
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "test-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<string, byte[]>>();
        var deadline = DateTime.UtcNow + timeout;
        while (records.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        consumer.Close();
        return records.Count >= count
            ? records
            : throw new TimeoutException($"Read {records.Count} of {count} record(s) from {topic} within {timeout}.");
    }

    /// <summary>Produces one raw record (for malformed or foreign records the bus itself would never write).</summary>
    public static async Task ProduceRawAsync(string bootstrapServers, string topic, string key, byte[] value, Headers headers)
    {
        KafkaNative.EnsureLoaded();
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrapServers }).Build();
        await producer.ProduceAsync(topic, new Message<string, byte[]> { Key = key, Value = value, Headers = headers });
    }
}
