using Cloudy.LoadTest.Net;

namespace Cloudy.LoadTest.Scenarios;

/// <summary>What a pump run covered: sequence numbers [First, End) over <see cref="Seconds"/>.</summary>
internal sealed record PumpResult(long First, long End, double Seconds, double MaxLagMs);

/// <summary>
/// Open-loop sender: message i is due at start + i/R, spread round-robin over the routes, with at most
/// <c>maxInFlight</c> requests outstanding (when the server slows down the pump falls behind and the lag is reported).
/// Stops at the duration, the message count or the tracker's capacity, whichever comes first.
/// </summary>
internal sealed class SendPump(Fleet fleet, IReadOnlyList<(VirtualDevice From, VirtualDevice To)> routes, int payloadBytes, int maxInFlight)
{
    /// <summary>Sends at <paramref name="rate"/>/s for <paramref name="duration"/> or <paramref name="maxMessages"/> messages, then waits for every reply.</summary>
    public async Task<PumpResult> RunAsync(double rate, TimeSpan duration, long maxMessages, CancellationToken ct)
    {
        var clock = fleet.Clock;
        var tracker = fleet.Tracker;
        var first = tracker.Issued;
        using var inFlight = new SemaphoreSlim(maxInFlight, maxInFlight);
        var start = clock.NowMicros;
        var end = start + (long)duration.TotalMicroseconds;
        var maxLag = 0L;
        for (long i = 0; i < maxMessages && !ct.IsCancellationRequested;)
        {
            var now = clock.NowMicros;
            if (now >= end)
            {
                break;
            }

            var due = start + (long)(i * 1_000_000 / rate);
            if (due > now)
            {
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

            var (from, to) = routes[(int)(i % routes.Count)];
            _ = SendOneAsync(from, to, seq, inFlight, ct);
            i++;
        }

        var seconds = (clock.NowMicros - start) / 1e6;
        using var replies = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var k = 0; k < maxInFlight; k++)
        {
            await inFlight.WaitAsync(replies.Token);
        }

        return new PumpResult(first, tracker.Issued, seconds, maxLag / 1000.0);
    }

    /// <summary>Waits until every accepted message in the range arrived, or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitForDeliveryAsync(Fleet fleet, long from, long to, TimeSpan timeout)
    {
        var deadline = fleet.Clock.NowSeconds + timeout.TotalSeconds;
        while (fleet.Tracker.Outstanding(from, to) > 0 && fleet.Clock.NowSeconds < deadline)
        {
            await Task.Delay(100);
        }
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
