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
        var clock = new RunClock();
        var sampler = new ProcessSampler([(Environment.ProcessId, "generator")], clock, TimeSpan.FromMilliseconds(200), () => 7);
        // Spin on a pool thread for 0.8 s: the final sample (taken on dispose) must see the CPU it used.
        await Task.Run(() =>
        {
            var until = DateTime.UtcNow.AddMilliseconds(800);
            while (DateTime.UtcNow < until)
            {
            }
        });

        await sampler.DisposeAsync();
        var samples = sampler.Samples;
        Assert.True(samples.Count >= 2, $"only {samples.Count} samples");
        Assert.Contains(samples, s => s.CpuPercent > 10);
        Assert.All(samples, s => Assert.Equal(7, s.OpenStreams));
        Assert.All(samples, s => Assert.True(s.RssBytes > 0));
    }
}
