using Cloudy.LoadTest.Metrics;

namespace Cloudy.LoadTest.Reporting;

/// <summary>Everything one run measured; written as JSON, summarised as Markdown, plotted as PNG.</summary>
internal sealed record LoadResult
{
    public string Tool { get; init; } = "cloudy-load";
    public required string Scenario { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public double WallSeconds { get; init; }
    public required string Target { get; init; }
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
    public required MachineInfo Machine { get; init; }
    public double SetupSeconds { get; init; }
    public MessageCounts? Messages { get; init; }
    public LatencySummary? Latency { get; init; }
    public double SendSeconds { get; init; }
    public double AcceptedPerSecond { get; init; }
    public double DeliveredPerSecond { get; init; }
    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];
    public IReadOnlyList<RampStep>? Steps { get; init; }
    public double? HighestSustainedRate { get; init; }
    public ConnectionsResult? Connections { get; init; }
    public DrainResult? Drain { get; init; }
    public IReadOnlyList<ProcessSample> Processes { get; init; } = [];

    /// <summary>The generator's own CPU per phase (send, drain, …) and per message.</summary>
    public IReadOnlyList<GeneratorCost> Generator { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>The box the run happened on; the load average shows how shared it was.</summary>
internal sealed record MachineInfo(int Cores, string Os, string Runtime, double LoadAverageStart, double LoadAverageEnd);

/// <summary>One ramp step: the target rate, what was achieved, and whether it held (p99 within bound, nothing lost or refused).</summary>
internal sealed record RampStep(int Step, double TargetRate, double AcceptedRate, double DeliveredRate, MessageCounts Counts, LatencySummary Latency, bool Passed, string? Reason);

/// <summary>Server memory against open connections.</summary>
internal sealed record MemoryPoint(long Connections, long ServerRssBytes);

/// <summary>The <c>connections</c> scenario's figures.</summary>
internal sealed record ConnectionsResult(
    int Requested, int Opened, int Failed, int SourceAddresses, double ConnectSeconds, double ConnectRate,
    long ServerRssBefore, long ServerRssHeld, double ServerBytesPerConnection, long GeneratorRssHeld, IReadOnlyList<MemoryPoint> Memory,
    IReadOnlyList<ProcessMemory>? PerProcess = null);

/// <summary>One process's RSS before connecting and while holding, and the difference per opened connection.</summary>
internal sealed record ProcessMemory(int Pid, string Name, long RssBefore, long RssHeld, double BytesPerConnection);

/// <summary>The <c>offline-burst</c> scenario's figures.</summary>
internal sealed record DrainResult(long Queued, long Delivered, double QueueSeconds, double DrainSeconds, double DrainRate, double Completeness);
