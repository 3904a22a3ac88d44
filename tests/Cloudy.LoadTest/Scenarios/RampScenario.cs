using Cloudy.LoadTest.Reporting;

namespace Cloudy.LoadTest.Scenarios;

/// <summary>
/// <c>ramp</c>: steps of rising rate (start × factor^k, each for a step's time); a step holds when its p99 is within
/// the bound, nothing is lost or refused, and the server accepted ≥ 90 % of the target rate. Stops at the first
/// step that does not hold (or after max steps); the highest step that held is the sustained rate.
/// </summary>
internal static class RampScenario
{
    public static async Task<LoadResult> RunAsync(RunContext ctx, CancellationToken ct)
    {
        var o = ctx.Options;
        var setup = await Setup.ConnectedPairsAsync(ctx, o.Devices, ct);
        var pump = new SendPump(ctx.Fleet, RunContext.PairRoutes(ctx.Fleet.Devices), o.PayloadBytes, o.MaxInFlight, o.Senders);
        await Setup.WarmLoadAsync(ctx, pump, o.RampStart, ct);
        var steps = new List<RampStep>();
        var first = ctx.Tracker.Issued;
        var sendSeconds = 0.0;
        double? sustained = null;
        var rate = o.RampStart;
        var cpu = Metrics.CpuMeter.Start(ctx.Clock);
        for (var k = 0; k < o.MaxSteps && !ct.IsCancellationRequested; k++, rate *= o.RampFactor)
        {
            ctx.Log($"step {k}: {rate:F0}/s for {o.StepSeconds}s");
            var run = await pump.RunAsync(rate, TimeSpan.FromSeconds(o.StepSeconds), o.MaxMessages, ct);
            sendSeconds += run.Seconds;
            await SendPump.WaitForDeliveryAsync(ctx.Fleet, run.First, run.End, TimeSpan.FromSeconds(Math.Min(o.DrainTimeoutSeconds, 5)));
            var step = Judge(k, rate, run, ctx.Tracker.Count(run.First, run.End), ctx.Tracker.Latency(run.First, run.End), o.P99BoundMs);
            steps.Add(step);
            ctx.Log($"  accepted {step.AcceptedRate:F0}/s delivered {step.DeliveredRate:F0}/s p99 {step.Latency.P99} ms: {(step.Passed ? "held" : step.Reason)}");
            if (!step.Passed)
            {
                break;
            }

            sustained = rate;
            if (run.End - run.First >= o.MaxMessages || ctx.Tracker.Issued >= ctx.Tracker.Capacity)
            {
                ctx.Notes.Add("Stopped at the message cap, not at a limit of the server.");
                break;
            }
        }

        if (sustained is null)
        {
            ctx.Notes.Add("Not even the first step held.");
        }

        var end = ctx.Tracker.Issued;
        var cost = cpu.Stop("all steps, send + drain", end - first);
        return ctx.Result(r => ctx.WithMessages(r with { SetupSeconds = setup, Steps = steps, HighestSustainedRate = sustained, Generator = [cost] }, first, end, sendSeconds));
    }

    /// <summary>Whether one step held, and why not.</summary>
    internal static RampStep Judge(int k, double rate, PumpResult run, Metrics.MessageCounts counts, Metrics.LatencySummary latency, double p99Bound)
    {
        var seconds = Math.Max(run.Seconds, 1e-3);
        var accepted = counts.Accepted / seconds;
        string? reason = null;
        if (counts.Lost > 0)
        {
            reason = $"{counts.Lost} lost";
        }
        else if (counts.Failed > 0)
        {
            reason = $"{counts.Failed} refused/failed";
        }
        else if (latency.P99 > p99Bound)
        {
            reason = $"p99 {latency.P99} ms > {p99Bound} ms";
        }
        else if (accepted < 0.9 * rate)
        {
            reason = $"accepted only {accepted:F0}/s of {rate:F0}/s";
        }

        return new RampStep(k, Math.Round(rate, 1), Math.Round(accepted, 1), Math.Round(counts.Delivered / seconds, 1), counts, latency, reason is null, reason);
    }
}
