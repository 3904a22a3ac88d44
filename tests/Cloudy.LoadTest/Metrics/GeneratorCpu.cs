namespace Cloudy.LoadTest.Metrics;

/// <summary>
/// The generator's own CPU over one phase of a run and what that costs per message; with the bytes it allocated and the
/// thread-pool work items it ran per message, two figures that, unlike CPU time on a shared box, hardly vary between runs.
/// </summary>
internal sealed record GeneratorCost(
    string Phase, double CpuSeconds, double WallSeconds, long Messages, double CpuMicrosPerMessage,
    double AllocatedBytesPerMessage = 0, double WorkItemsPerMessage = 0);

/// <summary>
/// Measures the generator process's CPU time (user + system, all threads) over a phase. The generator shares the box
/// with the server, so its CPU per message says how much load it can drive before it, not the server, is the limit.
/// </summary>
internal readonly struct CpuMeter
{
    private readonly TimeSpan _cpu;
    private readonly double _wall;
    private readonly long _allocated;
    private readonly long _workItems;
    private readonly RunClock _clock;

    private CpuMeter(RunClock clock)
    {
        _clock = clock;
        _allocated = GC.GetTotalAllocatedBytes();
        _workItems = ThreadPool.CompletedWorkItemCount;
        _wall = clock.NowSeconds;
        _cpu = Environment.CpuUsage.TotalTime;
    }

    /// <summary>Starts measuring now.</summary>
    public static CpuMeter Start(RunClock clock) => new(clock);

    /// <summary>The phase so far: CPU seconds, wall seconds, and per message (0 when there were none) CPU µs, bytes allocated and work items.</summary>
    public GeneratorCost Stop(string phase, long messages)
    {
        var cpu = (Environment.CpuUsage.TotalTime - _cpu).TotalSeconds;
        return Cost(phase, cpu, _clock.NowSeconds - _wall, messages) with
        {
            AllocatedBytesPerMessage = PerMessage(GC.GetTotalAllocatedBytes() - _allocated, messages),
            WorkItemsPerMessage = PerMessage(ThreadPool.CompletedWorkItemCount - _workItems, messages),
        };
    }

    /// <summary>The figures of a phase that used <paramref name="cpuSeconds"/> for <paramref name="messages"/> messages.</summary>
    internal static GeneratorCost Cost(string phase, double cpuSeconds, double wallSeconds, long messages) =>
        new(phase, Math.Round(cpuSeconds, 3), Math.Round(wallSeconds, 2), messages, PerMessage(cpuSeconds * 1e6, messages));

    private static double PerMessage(double total, long messages) => messages > 0 ? Math.Round(total / messages, 1) : 0;
}
