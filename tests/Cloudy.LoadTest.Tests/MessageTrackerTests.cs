using Cloudy.LoadTest.Metrics;

namespace Cloudy.LoadTest.Tests;

public sealed class MessageTrackerTests
{
    private const uint Tag = 0xC0FFEE;

    [Fact]
    public void Count_MixedFates_AccountsEachMessageOnce()
    {
        var t = new MessageTracker(10, Tag);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(i, t.NextSequence());
            t.MarkSent(i, 1_000 * i);
        }

        t.MarkAccepted(0, 10);
        t.MarkAccepted(1, 10);
        t.MarkAccepted(2, 10);
        t.MarkFailed(3, 429);
        t.MarkFailed(4, 0);
        Assert.True(t.MarkDelivered(Payload.Create(64, Tag, 0, 0), 5_000));
        Assert.True(t.MarkDelivered(Payload.Create(64, Tag, 1, 1_000), 4_000));
        Assert.False(t.MarkDelivered(Payload.Create(64, Tag, 1, 1_000), 9_000)); // duplicate

        var c = t.Count(0, 5);
        Assert.Equal(5, c.Sent);
        Assert.Equal(3, c.Accepted);
        Assert.Equal(2, c.Failed);
        Assert.Equal(2, c.Delivered);
        Assert.Equal(1, c.Lost); // seq 2: accepted, never delivered
        Assert.Equal(1, c.Duplicates);
        Assert.Equal(0, c.Unknown);
        Assert.Equal(1, c.FailuresByStatus["429"]);
        Assert.Equal(1, c.FailuresByStatus["transport"]);
        Assert.Equal(1, t.Outstanding(0, 5));
    }

    [Fact]
    public void MarkDelivered_ForeignPayloads_CountUnknownNotDelivered()
    {
        var t = new MessageTracker(4, Tag);
        t.MarkSent(t.NextSequence(), 0);
        Assert.False(t.MarkDelivered(Payload.Create(64, Tag + 1, 0, 0), 1)); // another run
        Assert.False(t.MarkDelivered(Payload.Create(64, Tag, 99, 0), 1)); // out of range
        Assert.False(t.MarkDelivered(new byte[10], 1)); // too short
        var c = t.Count(0, 1);
        Assert.Equal(3, c.Unknown);
        Assert.Equal(0, c.Delivered);
    }

    [Fact]
    public void MarkDelivered_WarmupTag_CountedApart()
    {
        var t = new MessageTracker(4, Tag);
        Assert.False(t.MarkDelivered(Payload.Create(64, t.WarmupTag, 0, 0), 1));
        Assert.Equal(1, t.WarmupDelivered);
        Assert.Equal(0, t.Count(0, 4).Unknown);
    }

    [Fact]
    public void Latency_UsesTimestampEmbeddedBySender()
    {
        var t = new MessageTracker(3, Tag);
        for (var i = 0; i < 3; i++)
        {
            t.MarkSent(t.NextSequence(), 0);
            t.MarkAccepted(i, 1);
        }

        t.MarkDelivered(Payload.Create(64, Tag, 0, 1_000_000), 1_002_000); // 2 ms
        t.MarkDelivered(Payload.Create(64, Tag, 1, 1_000_000), 1_010_000); // 10 ms
        var l = t.Latency(0, 3);
        Assert.Equal(2, l.Count);
        Assert.Equal(2.0, l.P50);
        Assert.Equal(10.0, l.Max);
    }

    [Fact]
    public void NextSequence_AtCapacity_ReturnsMinusOne()
    {
        var t = new MessageTracker(2, Tag);
        Assert.Equal(0, t.NextSequence());
        Assert.Equal(1, t.NextSequence());
        Assert.Equal(-1, t.NextSequence());
        Assert.Equal(2, t.Issued);
    }

    [Fact]
    public void Timeline_BucketsBySecond_IncludesEmptySecondsBetween()
    {
        var t = new MessageTracker(3, Tag);
        long[] sentAt = [100_000, 200_000, 2_500_000];
        for (var i = 0; i < 3; i++)
        {
            t.MarkSent(t.NextSequence(), sentAt[i]);
            t.MarkAccepted(i, sentAt[i] + 1_000);
            t.MarkDelivered(Payload.Create(64, Tag, i, sentAt[i]), sentAt[i] + 5_000);
        }

        var timeline = t.Timeline(0, 3);
        Assert.Equal([0L, 1L, 2L], timeline.Select(p => p.Second));
        Assert.Equal([2L, 0L, 1L], timeline.Select(p => p.Sent));
        Assert.Equal([2L, 0L, 1L], timeline.Select(p => p.Delivered));
        Assert.Equal(5.0, timeline[0].P99);
        Assert.Equal(0, timeline[1].P99);
    }

    [Fact]
    public void Payload_RoundTrip_ReadsHeaderBack()
    {
        var bytes = Payload.Create(240, Tag, 123_456_789_012, 42);
        Assert.Equal(240, bytes.Length);
        Assert.True(Payload.TryRead(bytes, Tag, out var seq, out var at));
        Assert.Equal(123_456_789_012, seq);
        Assert.Equal(42, at);
        Assert.False(Payload.TryRead(bytes, Tag ^ 1, out _, out _));
    }

    [Fact]
    public void FirstOutstanding_AcceptedUndelivered_SkipsSettledMessages()
    {
        var t = new MessageTracker(6, Tag);
        for (var i = 0; i < 5; i++)
        {
            t.MarkSent(t.NextSequence(), i);
        }

        t.MarkAccepted(0, 1);
        t.MarkDelivered(Payload.Create(24, Tag, 0, 0), 2);
        t.MarkFailed(1, 429); // refused: never outstanding
        t.MarkAccepted(2, 1);
        t.MarkAccepted(4, 1);

        Assert.Equal(2, t.FirstOutstanding(0, 5));
        t.MarkDelivered(Payload.Create(24, Tag, 2, 0), 3);
        Assert.Equal(4, t.FirstOutstanding(2, 5));
        t.MarkDelivered(Payload.Create(24, Tag, 4, 0), 3);
        Assert.Equal(5, t.FirstOutstanding(4, 5));
        Assert.Equal(99, t.FirstOutstanding(0, 99)); // past capacity: nothing outstanding, returns the end asked for
    }

    [Fact]
    public void Write_IntoSpan_RoundTripsThroughTryRead()
    {
        Span<byte> payload = stackalloc byte[100];
        Payload.Write(payload, Tag, 31, 4_000);
        Assert.True(Payload.TryRead(payload, Tag, out var seq, out var at));
        Assert.Equal(31, seq);
        Assert.Equal(4_000, at);
        Assert.Throws<ArgumentOutOfRangeException>(() => Payload.Write(new byte[Payload.HeaderBytes - 1], Tag, 0, 0));
    }
}
