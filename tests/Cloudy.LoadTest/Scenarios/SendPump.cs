using Cloudy.LoadTest.Net;

namespace Cloudy.LoadTest.Scenarios;

/// <summary>What a pump run covered: sequence numbers [First, End) over <see cref="Seconds"/>.</summary>
internal sealed record PumpResult(long First, long End, double Seconds, double MaxLagMs);

/// <summary>
/// Open-loop sender: message i is due at start + i/R, spread round-robin over the routes, with at most
/// <c>maxInFlight</c> requests outstanding (when the server slows down the pump falls behind and the lag is reported).
/// <c>senders</c> loops share the schedule (loop s sends messages s, s + senders, …), so writing requests is spread over
/// cores at high rates. Stops at the duration, the message count or the tracker's capacity, whichever comes first.
/// </summary>
internal sealed class SendPump(Fleet fleet, IReadOnlyList<(VirtualDevice From, VirtualDevice To)> routes, int payloadBytes, int maxInFlight, int senders = 1)
{
    /// <summary>A request still unanswered this long after the pump's sending time is given up (counted as a transport failure).</summary>
    internal static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Sends at <paramref name="rate"/>/s for <paramref name="duration"/> or <paramref name="maxMessages"/> messages, then waits for every reply.</summary>
    public async Task<PumpResult> RunAsync(double rate, TimeSpan duration, long maxMessages, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(senders, 1);
        var clock = fleet.Clock;
        var first = fleet.Tracker.Issued;
        using var inFlight = new SemaphoreSlim(maxInFlight, maxInFlight);
        // One timeout for every request of this run instead of a timer per request.
        using var requests = CancellationTokenSource.CreateLinkedTokenSource(ct);
        requests.CancelAfter(duration + ReplyTimeout);
        var start = clock.NowMicros;
        var end = start + (long)duration.TotalMicroseconds;
        var lags = await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() => LoopAsync(s, rate, start, end, maxMessages, inFlight, requests.Token, ct))));
        var seconds = (clock.NowMicros - start) / 1e6;
        using var replies = new CancellationTokenSource(ReplyTimeout);
        for (var k = 0; k < maxInFlight; k++)
        {
            await inFlight.WaitAsync(replies.Token);
        }

        return new PumpResult(first, fleet.Tracker.Issued, seconds, lags.Max() / 1000.0);
    }

    /// <summary>Waits until every accepted message in the range arrived, or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitForDeliveryAsync(Fleet fleet, long from, long to, TimeSpan timeout)
    {
        var deadline = fleet.Clock.NowSeconds + timeout.TotalSeconds;
        var low = from; // everything below is settled (delivered, refused or never sent): no need to look at it again
        while (fleet.Clock.NowSeconds < deadline)
        {
            low = fleet.Tracker.FirstOutstanding(low, to);
            if (low >= to)
            {
                return;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Sender <paramref name="s"/>: messages g = s, s + senders, … each due at start + g/R; returns its largest lag (µs).</summary>
    private async Task<long> LoopAsync(int s, double rate, long start, long end, long maxMessages, SemaphoreSlim inFlight, CancellationToken requests, CancellationToken ct)
    {
        var clock = fleet.Clock;
        var tracker = fleet.Tracker;
        var maxLag = 0L;
        for (long g = s; g < maxMessages && !ct.IsCancellationRequested;)
        {
            var now = clock.NowMicros;
            if (now >= end)
            {
                break;
            }

            var due = start + (long)(g * 1_000_000 / rate);
            if (due > now)
            {
                // Sleep at least 1 ms (the timer's resolution); at high rates each wake-up sends everything that fell due.
                await Task.Delay(TimeSpan.FromMicroseconds(Math.Max(1000, due - now)), ct);
                continue;
            }

            maxLag = Math.Max(maxLag, now - due);
            await inFlight.WaitAsync(ct);
            var seq = tracker.NextSequence();
            if (seq < 0)
            {
                inFlight.Release();
                break;
            }

            var (from, to) = routes[(int)(g % routes.Count)];
            _ = SendOneAsync(from, to, seq, inFlight, requests);
            g += senders;
        }

        return maxLag;
    }

    private async Task SendOneAsync(VirtualDevice from, VirtualDevice to, long seq, SemaphoreSlim inFlight, CancellationToken ct)
    {
        try
        {
            await from.SendAsync(to, seq, payloadBytes, ct);
        }
        finally
        {
            inFlight.Release();
        }
    }
}
