using System.Globalization;
using System.Runtime.InteropServices;
using Cloudy.LoadTest.Metrics;
using Cloudy.LoadTest.Net;
using Cloudy.LoadTest.Reporting;

namespace Cloudy.LoadTest.Scenarios;

/// <summary>What every scenario shares: options, clock, tracker, devices, process sampler, and the common result fields.</summary>
internal sealed class RunContext(LoadOptions options, Uri target, RunClock clock, MessageTracker tracker, Fleet fleet, ProcessSampler sampler)
{
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly double _loadStart = ProcessSampler.ReadLoadAverage();

    public LoadOptions Options { get; } = options;
    public Uri Target { get; } = target;
    public RunClock Clock { get; } = clock;
    public MessageTracker Tracker { get; } = tracker;
    public Fleet Fleet { get; } = fleet;
    public ProcessSampler Sampler { get; } = sampler;
    public List<string> Notes { get; } = [];

    public TimeSpan SetupTimeout => TimeSpan.FromSeconds(Options.SetupTimeoutSeconds);

    /// <summary>Prints a progress line (stderr, so stdout stays the result path).</summary>
    public void Log(string message) => Console.Error.WriteLine($"[{Clock.NowSeconds,7:F1}s] {message}");

    /// <summary>Pairs (2k, 2k+1), each device sending to the other.</summary>
    public static IReadOnlyList<(VirtualDevice From, VirtualDevice To)> PairRoutes(IReadOnlyList<VirtualDevice> devices)
    {
        var routes = new List<(VirtualDevice, VirtualDevice)>();
        for (var k = 0; k + 1 < devices.Count; k += 2)
        {
            routes.Add((devices[k], devices[k + 1]));
            routes.Add((devices[k + 1], devices[k]));
        }

        return routes;
    }

    /// <summary>A result with the fields every scenario fills the same way.</summary>
    public LoadResult Result(Func<LoadResult, LoadResult> complete)
    {
        var settings = typeof(LoadOptions).GetProperties()
            .Where(p => p.GetIndexParameters().Length == 0)
            .ToDictionary(p => p.Name, p => p.GetValue(Options) switch
            {
                IEnumerable<int> list => string.Join(',', list),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v?.ToString() ?? "",
            });
        var result = new LoadResult
        {
            Scenario = Options.Scenario,
            StartedAt = _startedAt,
            Target = Target.ToString(),
            Settings = settings,
            Machine = new MachineInfo(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
                _loadStart, ProcessSampler.ReadLoadAverage()),
        };
        result = complete(result);
        return result with { WallSeconds = Math.Round(Clock.NowSeconds, 2), Notes = [.. Notes] };
    }

    /// <summary>The message part of a result for the range [from, to).</summary>
    public LoadResult WithMessages(LoadResult r, long from, long to, double sendSeconds)
    {
        var counts = Tracker.Count(from, to);
        if (counts.Failed > 0)
        {
            Notes.Add($"{counts.Failed} sends refused or failed: {string.Join(", ", counts.FailuresByStatus.Select(kv => $"{kv.Key}×{kv.Value}"))} (429 = a rate limit or a full mailbox: raise the limits, see docs/performance.md).");
        }

        return r with
        {
            Messages = counts,
            Latency = Tracker.Latency(from, to),
            SendSeconds = Math.Round(sendSeconds, 3),
            AcceptedPerSecond = sendSeconds > 0 ? Math.Round(counts.Accepted / sendSeconds, 1) : 0,
            DeliveredPerSecond = sendSeconds > 0 ? Math.Round(counts.Delivered / sendSeconds, 1) : 0,
            Timeline = Tracker.Timeline(from, to),
        };
    }
}
