using System.Net;
using System.Net.Sockets;
using Cloudy.LoadTest.Metrics;

namespace Cloudy.LoadTest.Tests;

public sealed class ProcessSamplerTests
{
    [Fact]
    public void ReadRssAndTicks_OwnProcess_ArePositive()
    {
        Assert.InRange(ProcessSampler.ReadRss(Environment.ProcessId) ?? 0, 10L << 20, 64L << 30);
        Assert.True(ProcessSampler.ReadTicks(Environment.ProcessId) > 0);
        Assert.Null(ProcessSampler.ReadRss(int.MaxValue));
    }

    [Fact]
    public void FindListener_OwnListeningSocket_ReturnsOwnPid()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Assert.Equal(Environment.ProcessId, ServerProcessFinder.FindListener(((IPEndPoint)listener.LocalEndpoint).Port));
    }

    [Fact]
    public async Task Samples_BusyLoop_ShowCpuAndRss()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var clock = new RunClock();
        var sampler = new ProcessSampler([(Environment.ProcessId, "generator")], clock, TimeSpan.FromMilliseconds(200), () => 7);
        var before = self.TotalProcessorTime;
        // Spin on a pool thread until this process used 0.5 s of CPU more (bounded: a shared box may give us little of
        // it, so no CPU share per sample is assumed): the samples, the final one taken on dispose, must account for it.
        await Task.Run(() =>
        {
            var deadline = Environment.TickCount64 + 30_000;
            while (Environment.TickCount64 < deadline)
            {
                self.Refresh();
                if ((self.TotalProcessorTime - before).TotalSeconds >= 0.5)
                {
                    break;
                }
            }
        });

        await sampler.DisposeAsync();
        self.Refresh();
        var used = (self.TotalProcessorTime - before).TotalSeconds;
        var samples = sampler.Samples;
        Assert.True(samples.Count >= 2, $"only {samples.Count} samples");
        Assert.True(used >= 0.5, $"the spin got only {used:F2} s of CPU in 30 s");
        // CPU seconds the samples report: each one's % of a core over the time since the one before.
        var sampled = samples.Zip(samples.Skip(1), (a, b) => b.CpuPercent / 100 * (b.Second - a.Second)).Sum();
        Assert.InRange(sampled, 0.4, used + 1);
        Assert.Contains(samples, s => s.CpuPercent > 0);
        Assert.All(samples, s => Assert.Equal(7, s.OpenStreams));
        Assert.All(samples, s => Assert.True(s.RssBytes > 0));
    }
}
