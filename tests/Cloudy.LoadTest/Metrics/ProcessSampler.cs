using System.Globalization;

namespace Cloudy.LoadTest.Metrics;

/// <summary>One sample of one process: CPU (% of one core since the previous sample) and resident memory.</summary>
internal sealed record ProcessSample(double Second, int Pid, string Name, double CpuPercent, long RssBytes, double LoadAverage1, long OpenStreams);

/// <summary>
/// Samples CPU time and RSS of the server processes (and of the generator itself) from <c>/proc</c> on a
/// fixed interval, with the 1-minute load average: the box is shared, so the load of others is part of the result.
/// </summary>
internal sealed class ProcessSampler : IAsyncDisposable
{
    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux
    private readonly List<ProcessSample> _samples = [];
    private readonly Dictionary<int, (double At, long Ticks)> _last = [];
    private readonly IReadOnlyList<(int Pid, string Name)> _processes;
    private readonly RunClock _clock;
    private readonly Func<long> _openStreams;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private bool _disposed;

    /// <summary>Starts sampling <paramref name="processes"/> every <paramref name="interval"/>.</summary>
    public ProcessSampler(IReadOnlyList<(int Pid, string Name)> processes, RunClock clock, TimeSpan interval, Func<long> openStreams)
    {
        _processes = processes;
        _clock = clock;
        _openStreams = openStreams;
        SampleNow();
        _loop = RunAsync(interval);
    }

    /// <summary>Every sample so far.</summary>
    public IReadOnlyList<ProcessSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Total RSS of the server processes (not the generator) right now, in bytes.</summary>
    public long ServerRssNow() => _processes.Where(p => p.Name != "generator").Sum(p => ReadRss(p.Pid) ?? 0);

    /// <summary>RSS of every sampled process right now (the generator included), by PID.</summary>
    public IReadOnlyList<(int Pid, string Name, long RssBytes)> RssByProcess() =>
        [.. _processes.Select(p => (p.Pid, p.Name, ReadRss(p.Pid) ?? 0))];

    /// <summary>Takes a sample now (also used to mark moments such as "all connected").</summary>
    public void SampleNow()
    {
        var now = _clock.NowSeconds;
        var load = ReadLoadAverage();
        var streams = _openStreams();
        lock (_samples)
        {
            foreach (var (pid, name) in _processes)
            {
                if (ReadTicks(pid) is not { } ticks || ReadRss(pid) is not { } rss)
                {
                    continue;
                }

                var cpu = 0.0;
                if (_last.TryGetValue(pid, out var last) && now > last.At)
                {
                    cpu = Math.Round((ticks - last.Ticks) / ClockTicksPerSecond / (now - last.At) * 100, 1);
                }

                _last[pid] = (now, ticks);
                _samples.Add(new ProcessSample(Math.Round(now, 2), pid, name, cpu, rss, load, streams));
            }
        }
    }

    /// <summary>utime + stime in clock ticks from <c>/proc/PID/stat</c> (fields 14 and 15, after the parenthesised name).</summary>
    public static long? ReadTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>VmRSS from <c>/proc/PID/status</c>, in bytes.</summary>
    public static long? ReadRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>The 1-minute load average.</summary>
    public static double ReadLoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        SampleNow();
        _stop.Dispose();
    }

    private async Task RunAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            SampleNow();
        }
    }
}
