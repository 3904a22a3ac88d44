using System.Globalization;
using System.Security.Cryptography;
using Cloudy.LoadTest.Metrics;
using Cloudy.LoadTest.Net;
using Cloudy.LoadTest.Reporting;
using Cloudy.LoadTest.Scenarios;

namespace Cloudy.LoadTest;

/// <summary>Runs one scenario end to end: guard the target, find the server, sample it, run, write the reports.</summary>
internal static class LoadRunner
{
    /// <summary>Runs <paramref name="o"/>'s scenario and returns the result and the written files.</summary>
    public static async Task<(LoadResult Result, (string Json, string Markdown, string Png) Files)> RunAsync(LoadOptions o, CancellationToken ct)
    {
        var target = LoopbackGuard.Resolve(o.Url);
        var clock = new RunClock();
        var tracker = new MessageTracker(Capacity(o), (uint)RandomNumberGenerator.GetInt32(int.MaxValue));
        await using var fleet = new Fleet(target, o.SourceAddresses, tracker, clock, o.Protocol);
        var processes = ServerProcesses(o, target);
        await using var sampler = new ProcessSampler(processes, clock, TimeSpan.FromSeconds(o.SampleIntervalSeconds), () => fleet.OpenStreams);
        var ctx = new RunContext(o, target, clock, tracker, fleet, sampler);
        if (processes.Count == 1)
        {
            ctx.Notes.Add("No server process found to sample (pass --server-pid).");
        }

        ctx.Log($"{o.Scenario} against {target}; sampling {string.Join(", ", processes.Select(p => $"{p.Name}({p.Pid})"))}");
        var result = o.Scenario switch
        {
            "steady" => await SteadyScenario.RunAsync(ctx, ct),
            "ramp" => await RampScenario.RunAsync(ctx, ct),
            "connections" => await ConnectionsScenario.RunAsync(ctx, ct),
            "offline-burst" => await OfflineBurstScenario.RunAsync(ctx, ct),
            _ => throw new ArgumentException("Unknown scenario " + o.Scenario),
        };
        await fleet.DisposeAsync();
        await sampler.DisposeAsync();
        result = result with { Processes = sampler.Samples };
        var stem = o.Name ?? $"{o.Scenario}-{result.StartedAt.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";
        return (result, ReportWriter.WriteAll(result, o.OutputDirectory, stem));
    }

    /// <summary>How many messages the tracker must hold for the scenario (capped by --max-messages).</summary>
    internal static int Capacity(LoadOptions o)
    {
        var estimate = o.Scenario switch
        {
            "steady" => (o.Rate * (o.DurationSeconds + o.WarmupSeconds) * 1.05) + 1000,
            "ramp" => Enumerable.Range(0, o.MaxSteps).Sum(k => o.RampStart * Math.Pow(o.RampFactor, k) * o.StepSeconds * 1.05) + (o.RampStart * o.WarmupSeconds * 1.05) + 1000,
            "offline-burst" => o.Messages,
            _ => 1,
        };
        return (int)Math.Min(o.MaxMessages, Math.Ceiling(estimate));
    }

    private static List<(int Pid, string Name)> ServerProcesses(LoadOptions o, Uri target)
    {
        var pids = o.ServerPids.ToList();
        if (pids.Count == 0 && o.FindServer && ServerProcessFinder.FindListener(target.Port) is { } found)
        {
            pids.Add(found);
        }

        var list = pids.Distinct().Select(p => (p, ServerProcessFinder.NameOf(p))).ToList();
        list.Add((Environment.ProcessId, "generator"));
        return list;
    }
}
