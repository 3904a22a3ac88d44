using Confluent.Kafka;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// The records of a consumer that are taken but not finished, per partition in offset order. Records finish
/// in any order when keys are handled concurrently, but a partition's stored offset may only move over a
/// contiguous prefix of finished records: storing offset 12 while 11 still runs would skip 11 after a crash.
/// Thread-safe.
/// </summary>
internal sealed class OffsetProgress
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TopicPartition, Queue<InFlightRecord>> _partitions = [];

    /// <summary>Registers a record just taken from Kafka (in consume order, so offsets ascend per partition).</summary>
    public InFlightRecord Begin(TopicPartitionOffset position)
    {
        var record = new InFlightRecord(position.TopicPartition, position.Offset.Value);
        lock (_gate)
        {
            if (!_partitions.TryGetValue(record.Partition, out var queue))
            {
                queue = new Queue<InFlightRecord>();
                _partitions.Add(record.Partition, queue);
            }

            queue.Enqueue(record);
        }

        return record;
    }

    /// <summary>
    /// Marks <paramref name="record"/> finished. When that extends its partition's finished prefix,
    /// <paramref name="store"/> gets the next offset to read (last finished + 1), under the lock, so stores of a
    /// partition never go backwards. Nothing is stored for a partition that was <see cref="Forget">forgotten</see>.
    /// </summary>
    public void Complete(InFlightRecord record, Action<TopicPartitionOffset> store)
    {
        lock (_gate)
        {
            record.Done = true;
            if (!_partitions.TryGetValue(record.Partition, out var queue))
            {
                return;
            }

            long? next = null;
            while (queue.TryPeek(out var head) && head.Done)
            {
                queue.Dequeue();
                next = head.Offset + 1;
            }

            if (next is { } offset)
            {
                store(new TopicPartitionOffset(record.Partition, offset));
            }
        }
    }

    /// <summary>How many records of <paramref name="partitions"/> are taken but not finished.</summary>
    public int Pending(IEnumerable<TopicPartition> partitions)
    {
        lock (_gate)
        {
            return partitions.Sum(p => _partitions.TryGetValue(p, out var queue) ? queue.Count : 0);
        }
    }

    /// <summary>Drops the partitions (revoked or lost): their records' completions store nothing any more.</summary>
    public void Forget(IEnumerable<TopicPartition> partitions)
    {
        lock (_gate)
        {
            foreach (var partition in partitions)
            {
                _partitions.Remove(partition);
            }
        }
    }
}

/// <summary>One record between consume and finish.</summary>
internal sealed class InFlightRecord(TopicPartition partition, long offset)
{
    /// <summary>Its partition.</summary>
    public TopicPartition Partition { get; } = partition;

    /// <summary>Its offset.</summary>
    public long Offset { get; } = offset;

    /// <summary>Whether it finished (guarded by <see cref="OffsetProgress"/>'s lock).</summary>
    public bool Done { get; set; }
}
