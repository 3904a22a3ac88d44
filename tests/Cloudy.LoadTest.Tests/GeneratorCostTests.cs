using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Cloudy.LoadTest.Reporting;
using Cloudy.Testing;
using Xunit.Abstractions;

namespace Cloudy.LoadTest.Tests;

/// <summary>
/// The generator (cloudy-load, started as its own process so that its CPU is its own) against the
/// <see cref="DeliveryDouble"/> test double, which answers at once: checks the accounting at a rate the real server
/// does not reach yet and records the generator's CPU per message. Doubles as the generator's benchmark:
/// <c>LOAD_DOUBLE_RATE=10000 LOAD_DOUBLE_SECONDS=5 LOAD_DOUBLE_SENDERS=2 LOAD_DOUBLE_WARMUP=3 LOAD_DOUBLE_OUT=dir dotnet test -c Release … --filter GeneratorCostTests</c>
/// (<c>LOAD_DOUBLE_GENERATOR=path/cloudy-load.dll</c> runs another build of the generator, e.g. to compare before and after).
/// </summary>
public sealed class GeneratorCostTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RunAsync_SteadyAgainstDeliveryDouble_CountsEveryMessageAndRecordsGeneratorCpu()
    {
        var rate = Setting("LOAD_DOUBLE_RATE", 2000);
        var seconds = Setting("LOAD_DOUBLE_SECONDS", 3);
        var senders = (int)Setting("LOAD_DOUBLE_SENDERS", 1);
        var warmup = Setting("LOAD_DOUBLE_WARMUP", 0);
        const int devices = 20;
        using var temp = new TempDirectory("load-double");
        var outDir = Environment.GetEnvironmentVariable("LOAD_DOUBLE_OUT") is { Length: > 0 } keep ? keep : temp.Path;
        await using var server = await DeliveryDouble.StartAsync();

        List<string> args = ["exec", Environment.GetEnvironmentVariable("LOAD_DOUBLE_GENERATOR") ?? GeneratorDll(), "steady", "--url", server.Url.ToString(),
            "--no-find-server", "--devices", Inv(devices), "--rate", Inv(rate), "--duration", Inv(seconds), "--warmup", Inv(warmup),
            "--drain-timeout", "30", "--out", outDir, "--name", Inv($"double-{rate}-{senders}")];
        if (senders != 1)
        {
            args.AddRange(["--senders", Inv(senders)]);
        }

        // LOAD_DOUBLE_GENERATOR_ENV="NAME=value;…": runtime settings for the generator process only (A/B of runtime knobs).
        var env = (Environment.GetEnvironmentVariable("LOAD_DOUBLE_GENERATOR_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)kv[1]);
        await using var generator = TestProcess.Start("dotnet", args, env, name: "cloudy-load");
        var json = await generator.WaitForOutputAsync(l => l.EndsWith(".json", StringComparison.Ordinal), TimeSpan.FromSeconds(180));

        var result = JsonSerializer.Deserialize<LoadResult>(await File.ReadAllTextAsync(json.Trim()), ReportWriter.Json)!;
        var m = result.Messages!;
        output.WriteLine(string.Join(Environment.NewLine, result.Generator.Select(g =>
            Inv($"{g.Phase}: {g.CpuSeconds} s CPU over {g.WallSeconds} s for {g.Messages} messages = {g.CpuMicrosPerMessage} µs/message"))));
        output.WriteLine(Inv($"sent {m.Sent}, accepted {result.AcceptedPerSecond}/s, latency p50 {result.Latency!.P50} ms p99 {result.Latency.P99} ms; notes: {string.Join(" ", result.Notes)}"));
        Assert.InRange(m.Sent, (long)(rate * seconds * 0.5), (long)(rate * seconds) + 1);
        Assert.Equal(m.Sent, m.Accepted);
        Assert.Equal(m.Accepted, m.Delivered);
        Assert.Equal(0, m.Lost);
        Assert.Equal(0, m.Duplicates);
        Assert.Equal(0, m.Unknown);
        var warmLoad = result.Notes.Select(n => System.Text.RegularExpressions.Regex.Match(n, @"^Excluded warm-up: (\d+) sent"))
            .Where(x => x.Success).Sum(x => long.Parse(x.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(m.Sent + devices + warmLoad, server.Accepted); // plus one warm-up message per route (and any warm-up load)
        Assert.InRange(server.Acked, server.Accepted - devices, server.Accepted); // a stream closing may cut its last ack
        Assert.Equal(2, result.Generator.Count);
        Assert.All(result.Generator, g => Assert.True(g.CpuSeconds > 0 && g.CpuMicrosPerMessage > 0, g.ToString()));
    }

    private static double Setting(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    private static string Inv(FormattableString f) => f.ToString(CultureInfo.InvariantCulture);

    private static string Inv(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static string GeneratorDll()
    {
        var configuration = typeof(GeneratorCostTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(SteadyRunTests.RepositoryRoot(), "tests", "Cloudy.LoadTest", "bin", configuration, "net10.0", "cloudy-load.dll");
    }
}
