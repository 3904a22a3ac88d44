using System.Text.Json;
using Cloudy.LoadTest.Metrics;
using Cloudy.LoadTest.Reporting;
using Cloudy.Testing;

namespace Cloudy.LoadTest.Tests;

public sealed class ReportWriterTests
{
    private static readonly byte[] _pngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    internal static LoadResult SteadyResult()
    {
        var t = new MessageTracker(100, 7);
        for (var i = 0; i < 100; i++)
        {
            var at = i * 30_000L;
            t.MarkSent(t.NextSequence(), at);
            t.MarkAccepted(i, at + 500);
            if (i != 42)
            {
                t.MarkDelivered(Payload.Create(64, 7, i, at), at + 2_000 + (i * 10));
            }
        }

        return new LoadResult
        {
            Scenario = "steady",
            StartedAt = new DateTimeOffset(2026, 11, 24, 20, 0, 0, TimeSpan.Zero),
            Target = "http://127.0.0.1:8080/",
            Machine = new MachineInfo(2, "Linux", ".NET 10", 1.5, 2.5),
            Messages = t.Count(0, 100),
            Latency = t.Latency(0, 100),
            Timeline = t.Timeline(0, 100),
            SendSeconds = 3,
            AcceptedPerSecond = 33.3,
            Processes = [new ProcessSample(1, 10, "Cloudy.Embedded", 55, 300 << 20, 1.5, 100), new ProcessSample(2, 10, "Cloudy.Embedded", 65, 310 << 20, 1.6, 100)],
            Notes = ["a note"],
        };
    }

    [Fact]
    public void WriteAll_SteadyResult_WritesParseableJsonMarkdownAndPng()
    {
        using var dir = new TempDirectory();
        var (json, md, png) = ReportWriter.WriteAll(SteadyResult(), dir.Path, "run");

        var back = JsonSerializer.Deserialize<LoadResult>(File.ReadAllText(json), ReportWriter.Json)!;
        Assert.Equal("steady", back.Scenario);
        Assert.Equal(100, back.Messages!.Sent);
        Assert.Equal(1, back.Messages.Lost);
        Assert.Equal(99, back.Latency!.Count);
        Assert.Equal([0L, 1L, 2L], back.Timeline.Select(p => p.Second)); // sends over 0–2.97 s

        var text = File.ReadAllText(md);
        Assert.Contains("| delivered / lost / duplicated | 99 / 1 / 0 |", text, StringComparison.Ordinal);
        Assert.Contains("Cloudy.Embedded (10) CPU mean / max, RSS max | 60 % / 65 %, 310 MiB", text, StringComparison.Ordinal);
        Assert.Contains("- a note", text, StringComparison.Ordinal);
        Assert.Contains("![steady](run.png)", text, StringComparison.Ordinal);

        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 5_000, $"PNG has only {bytes.Length} bytes");
        Assert.Equal(_pngMagic, bytes[..8]);
    }

    [Fact]
    public void WriteAll_ConnectionsResult_PlotsMemoryAndReportsPerConnection()
    {
        using var dir = new TempDirectory();
        var result = SteadyResult() with
        {
            Scenario = "connections",
            Messages = null,
            Latency = null,
            Timeline = [],
            Connections = new ConnectionsResult(1000, 990, 10, 4, 2, 495, 100 << 20, 120 << 20, 21180, 50 << 20,
                [new MemoryPoint(0, 100 << 20), new MemoryPoint(500, 110 << 20), new MemoryPoint(990, 120 << 20)],
                [new ProcessMemory(10, "Cloudy.Gateway", 40 << 20, 50 << 20, 10591)]),
        };
        var (json, md, png) = ReportWriter.WriteAll(result, dir.Path, "conn");

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(990, doc.RootElement.GetProperty("connections").GetProperty("opened").GetInt32());
        var text = File.ReadAllText(md);
        Assert.Contains("| server memory per connection | 20.7 KiB |", text, StringComparison.Ordinal);
        Assert.Contains("| connections opened / failed | 990 / 10 (over 4 source addresses) |", text, StringComparison.Ordinal);
        Assert.Contains("| RSS Cloudy.Gateway (10) before → held, per connection | 40.0 → 50.0 MiB, 10.3 KiB |", text, StringComparison.Ordinal);
        Assert.Equal(_pngMagic, File.ReadAllBytes(png)[..8]);
    }

    [Fact]
    public void Markdown_RampSteps_ListsEveryStepWithVerdict()
    {
        var counts = new MessageCounts(10, 10, 0, 10, 0, 0, 0, new Dictionary<string, long>());
        var result = SteadyResult() with
        {
            Scenario = "ramp",
            HighestSustainedRate = 375,
            Steps = [new RampStep(0, 250, 249, 249, counts, new LatencySummary(10, 1, 2, 3, 4, 1), true, null),
                     new RampStep(1, 375, 370, 370, counts, new LatencySummary(10, 1, 2, 3, 4, 1), true, null),
                     new RampStep(2, 562.4, 300, 290, counts, new LatencySummary(10, 100, 200, 300, 400, 150), false, "p99 300 ms > 100 ms")],
        };
        var text = ReportWriter.Markdown(result);
        Assert.Contains("| highest sustained rate | 375 msg/s |", text, StringComparison.Ordinal);
        Assert.Contains("| 2 | 562 | 300 | 290 | 100.0 | 300.0 | 400.0 | 0 | 0 | no: p99 300 ms > 100 ms |", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_GeneratorCost_ShowsCpuPerMessage()
    {
        var result = SteadyResult() with { Generator = [CpuMeter.Cost("send + drain", 1.5, 20, 10_000) with { AllocatedBytesPerMessage = 2048, WorkItemsPerMessage = 3.5 }] };
        var text = ReportWriter.Markdown(result);
        Assert.Contains("| generator CPU, send + drain | 1.50 s over 20.0 s for 10000 messages = 150 µs/message (2048 B allocated, 3.5 thread-pool items per message) |", text, StringComparison.Ordinal);
    }
}
