using Confluent.Kafka;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>
/// The contiguous-prefix rule for stored offsets when records finish out of order (no broker needed):
/// an offset may only move over records that are all done.
/// </summary>
public sealed class OffsetProgressTests
{
    private static readonly TopicPartition _p0 = new("t", 0);
    private static readonly TopicPartition _p1 = new("t", 1);

    [Fact]
    public void Complete_LaterRecordFinishesFirst_StoresNothingUntilTheGapIsFilled()
    {
        var progress = new OffsetProgress();
        var stored = new List<TopicPartitionOffset>();
        var five = progress.Begin(new TopicPartitionOffset(_p0, 5));
        var six = progress.Begin(new TopicPartitionOffset(_p0, 6));
        var seven = progress.Begin(new TopicPartitionOffset(_p0, 7));

        progress.Complete(seven, stored.Add);
        Assert.Empty(stored);
        progress.Complete(five, stored.Add);
        Assert.Equal([new TopicPartitionOffset(_p0, 6)], stored);
        progress.Complete(six, stored.Add);

        // 6 closed the gap: the offset jumps past 7, the next record to read.
        Assert.Equal([new TopicPartitionOffset(_p0, 6), new TopicPartitionOffset(_p0, 8)], stored);
        Assert.Equal(0, progress.Pending([_p0]));
    }

    [Fact]
    public void Complete_TwoPartitions_EachStoresItsOwnPrefix()
    {
        var progress = new OffsetProgress();
        var stored = new List<TopicPartitionOffset>();
        var blocked = progress.Begin(new TopicPartitionOffset(_p0, 0));
        var behind = progress.Begin(new TopicPartitionOffset(_p0, 1));
        var other = progress.Begin(new TopicPartitionOffset(_p1, 10));

        progress.Complete(behind, stored.Add);
        progress.Complete(other, stored.Add);

        Assert.Equal([new TopicPartitionOffset(_p1, 11)], stored);
        Assert.Equal(2, progress.Pending([_p0]));
        Assert.Equal(0, progress.Pending([_p1]));
        Assert.False(blocked.Done);
    }

    [Fact]
    public void Complete_PartitionForgottenAfterRevoke_StoresNothing()
    {
        var progress = new OffsetProgress();
        var stored = new List<TopicPartitionOffset>();
        var record = progress.Begin(new TopicPartitionOffset(_p0, 3));

        progress.Forget([_p0]);
        progress.Complete(record, stored.Add);

        Assert.Empty(stored);
        Assert.Equal(0, progress.Pending([_p0]));
    }
}
