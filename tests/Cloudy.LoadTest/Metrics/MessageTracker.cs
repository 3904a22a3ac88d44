namespace Cloudy.LoadTest.Metrics;

/// <summary>Counts for a range of messages.</summary>
internal sealed record MessageCounts(
    long Sent, long Accepted, long Failed, long Delivered, long Lost, long Duplicates, long Unknown,
    IReadOnlyDictionary<string, long> FailuresByStatus, long Decrypted = 0);

/// <summary>
/// The fate of every message by sequence number: when it was sent, whether the server accepted it (200),
/// how often it arrived and with what latency. Arrays, not dictionaries: written lock-free from many tasks,
/// bounded by <see cref="Capacity"/> (the run stops sending when it is reached).
/// </summary>
internal sealed class MessageTracker
{
    private const long NotSet = -1;
    private readonly long[] _sentAt;
    private readonly long[] _acceptedAt;
    private readonly long[] _deliveredAt;
    private readonly long[] _latency;
    private readonly int[] _deliveries;
    private readonly short[] _failure;
    private long _next;
    private long _unknown;
    private long _warmup;
    private long _decrypted;

    /// <summary>Creates a tracker for at most <paramref name="capacity"/> messages.</summary>
    public MessageTracker(int capacity, uint runTag)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        RunTag = runTag;
        _sentAt = Filled(capacity);
        _acceptedAt = Filled(capacity);
        _deliveredAt = Filled(capacity);
        _latency = Filled(capacity);
        _deliveries = new int[capacity];
        _failure = new short[capacity];
    }

    /// <summary>Most messages this run can track.</summary>
    public int Capacity { get; }

    /// <summary>Tag written into every payload so stray envelopes of earlier runs are not counted.</summary>
    public uint RunTag { get; }

    /// <summary>Tag of warm-up messages: they prove a route works before measuring and are counted apart.</summary>
    public uint WarmupTag => ~RunTag;

    /// <summary>Warm-up messages received.</summary>
    public long WarmupDelivered => Interlocked.Read(ref _warmup);

    /// <summary>Envelopes the receiving Messenger decrypted (with <c>--protocol</c>), in the whole run, warm-up included.</summary>
    public void MarkDecrypted() => Interlocked.Increment(ref _decrypted);

    /// <summary>Sequence numbers handed out so far.</summary>
    public long Issued => Math.Min(Interlocked.Read(ref _next), Capacity);

    /// <summary>Next sequence number, or -1 once <see cref="Capacity"/> is used up.</summary>
    public long NextSequence()
    {
        var seq = Interlocked.Increment(ref _next) - 1;
        return seq < Capacity ? seq : -1;
    }

    /// <summary>The send request for <paramref name="seq"/> is about to go out.</summary>
    public void MarkSent(long seq, long atMicros) => _sentAt[seq] = atMicros;

    /// <summary>The server answered 200.</summary>
    public void MarkAccepted(long seq, long atMicros) => _acceptedAt[seq] = atMicros;

    /// <summary>The send failed: <paramref name="status"/> is the HTTP status, 0 for a transport error.</summary>
    public void MarkFailed(long seq, int status) => _failure[seq] = (short)(status == 0 ? -1 : status);

    /// <summary>An envelope arrived; returns false when it is not one of ours (or a duplicate).</summary>
    public bool MarkDelivered(ReadOnlySpan<byte> payload, long atMicros)
    {
        if (Payload.TryRead(payload, WarmupTag, out _, out _))
        {
            Interlocked.Increment(ref _warmup);
            return false;
        }

        if (!Payload.TryRead(payload, RunTag, out var seq, out var sentAt) || seq < 0 || seq >= Capacity)
        {
            Interlocked.Increment(ref _unknown);
            return false;
        }

        if (Interlocked.Increment(ref _deliveries[seq]) != 1)
        {
            return false;
        }

        _latency[seq] = atMicros - sentAt; // from the timestamp the sender embedded
        Volatile.Write(ref _deliveredAt[seq], atMicros);
        return true;
    }

    /// <summary>Messages in [from, to) accepted but not yet delivered.</summary>
    public long Outstanding(long from, long to)
    {
        long n = 0;
        for (var i = from; i < Math.Min(to, Capacity); i++)
        {
            if (_acceptedAt[i] != NotSet && Volatile.Read(ref _deliveries[i]) == 0)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>
    /// The first message in [from, to) accepted but not yet delivered, or <paramref name="to"/> when there is none: a waiter
    /// resumes its next scan there instead of rescanning the whole range.
    /// </summary>
    public long FirstOutstanding(long from, long to)
    {
        var end = Math.Min(to, Capacity);
        for (var i = from; i < end; i++)
        {
            if (_acceptedAt[i] != NotSet && Volatile.Read(ref _deliveries[i]) == 0)
            {
                return i;
            }
        }

        return to;
    }

    /// <summary>Counts over sequence numbers [from, to): lost = accepted and never delivered.</summary>
    public MessageCounts Count(long from, long to)
    {
        to = Math.Min(to, Issued);
        long sent = 0, accepted = 0, failed = 0, delivered = 0, lost = 0, duplicates = 0;
        var byStatus = new SortedDictionary<string, long>(StringComparer.Ordinal);
        for (var i = from; i < to; i++)
        {
            if (_sentAt[i] == NotSet)
            {
                continue;
            }

            sent++;
            var d = Volatile.Read(ref _deliveries[i]);
            if (d > 0)
            {
                delivered++;
                duplicates += d - 1;
            }

            if (_acceptedAt[i] != NotSet)
            {
                accepted++;
                if (d == 0)
                {
                    lost++;
                }
            }
            else if (_failure[i] != 0)
            {
                failed++;
                var key = _failure[i] < 0 ? "transport" : _failure[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
                byStatus[key] = byStatus.GetValueOrDefault(key) + 1;
            }
        }

        return new MessageCounts(sent, accepted, failed, delivered, lost, duplicates, Interlocked.Read(ref _unknown), byStatus, Interlocked.Read(ref _decrypted));
    }

    /// <summary>End-to-end latency of messages [from, to) delivered at least once.</summary>
    public LatencySummary Latency(long from, long to) => Percentiles.Summarize(Latencies(from, to));

    /// <summary>Run-clock time of the last first delivery in [from, to), or -1.</summary>
    public long LastDeliveryMicros(long from, long to)
    {
        var last = NotSet;
        for (var i = from; i < Math.Min(to, Issued); i++)
        {
            last = Math.Max(last, Volatile.Read(ref _deliveredAt[i]));
        }

        return last;
    }

    /// <summary>Per-second buckets (by run-clock second) of sends, accepts, deliveries and the latency of what was delivered in that second.</summary>
    public IReadOnlyList<TimelinePoint> Timeline(long from, long to)
    {
        to = Math.Min(to, Issued);
        var sent = new SortedDictionary<long, long>();
        var accepted = new SortedDictionary<long, long>();
        var delivered = new SortedDictionary<long, List<long>>();
        for (var i = from; i < to; i++)
        {
            if (_sentAt[i] != NotSet)
            {
                Bump(sent, _sentAt[i] / 1_000_000);
            }

            if (_acceptedAt[i] != NotSet)
            {
                Bump(accepted, _acceptedAt[i] / 1_000_000);
            }

            var at = Volatile.Read(ref _deliveredAt[i]);
            if (at != NotSet)
            {
                var second = at / 1_000_000;
                if (!delivered.TryGetValue(second, out var list))
                {
                    delivered[second] = list = [];
                }

                list.Add(_latency[i]);
            }
        }

        var seconds = sent.Keys.Concat(accepted.Keys).Concat(delivered.Keys).Distinct().Order().ToList();
        if (seconds.Count == 0)
        {
            return [];
        }

        var points = new List<TimelinePoint>();
        for (var s = seconds[0]; s <= seconds[^1]; s++)
        {
            var latency = delivered.TryGetValue(s, out var l) ? Percentiles.Summarize(l.ToArray()) : LatencySummary.Empty;
            points.Add(new TimelinePoint(s, sent.GetValueOrDefault(s), accepted.GetValueOrDefault(s), latency.Count, latency.P50, latency.P90, latency.P99, latency.Max));
        }

        return points;
    }

    private long[] Latencies(long from, long to)
    {
        to = Math.Min(to, Issued);
        var list = new List<long>((int)Math.Max(0, to - from));
        for (var i = from; i < to; i++)
        {
            if (Volatile.Read(ref _deliveredAt[i]) != NotSet)
            {
                list.Add(_latency[i]);
            }
        }

        return [.. list];
    }

    private static void Bump(SortedDictionary<long, long> counts, long key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static long[] Filled(int n)
    {
        var a = new long[n];
        Array.Fill(a, NotSet);
        return a;
    }
}

/// <summary>One second of a run: messages sent, accepted and delivered in it, and the latency (ms) of those delivered.</summary>
internal sealed record TimelinePoint(long Second, long Sent, long Accepted, long Delivered, double P50, double P90, double P99, double Max);
