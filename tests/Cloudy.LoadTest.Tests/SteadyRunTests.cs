using System.Net;
using System.Reflection;
using System.Text.Json;
using Cloudy.LoadTest.Reporting;
using Cloudy.Testing;

namespace Cloudy.LoadTest.Tests;

/// <summary>
/// A short real run: the embedded host (services/Cloudy.Embedded, built with these tests) started as its own
/// process on a free loopback port with raised rate limits, then the steady scenario through its public API.
/// </summary>
public sealed class SteadyRunTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("load-host");
    private readonly TempDirectory _out = new("load-out");
    private readonly int _port = FreePort.Next();
    private TestProcess? _host;

    public async Task InitializeAsync()
    {
        var configuration = typeof(SteadyRunTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var dll = Path.Combine(RepositoryRoot(), "services", "Cloudy.Embedded", "bin", configuration, "net10.0", "Cloudy.Embedded.dll");
        const string big = "100000000";
        _host = TestProcess.Start("dotnet", ["exec", dll, "--urls", $"http://127.0.0.1:{_port}"], new Dictionary<string, string?>
        {
            ["Cloudy__DataDir"] = _data.Path,
            ["Edge__RateLimits__PerClient__Permits"] = big,
            ["Edge__RateLimits__PerAccount__Permits"] = big,
            ["Edge__RateLimits__Registration__Permits"] = big,
            ["Edge__RateLimits__Login__Permits"] = big,
            ["Delivery__SendRatePermits"] = big,
            ["Logging__LogLevel__Default"] = "Warning",
            ["ASPNETCORE_URLS"] = null,
        }, _data.Path, "cloudy-embedded");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(_host.HasExited, _host.Output);
            try
            {
                using var ready = await http.GetAsync(new Uri($"http://127.0.0.1:{_port}/health/ready"));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "embedded host not ready:\n" + _host.Output);
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task RunAsync_ShortSteadyAgainstEmbeddedHost_DeliversEveryAcceptedMessageAndWritesReports()
    {
        var options = LoadOptions.Parse(["steady", "--url", $"http://localhost:{_port}", "--devices", "8", "--rate", "40", "--duration", "3", "--senders", "2",
            "--server-pid", _host!.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", _out.Path, "--name", "short", "--drain-timeout", "20"]);

        var (result, files) = await LoadRunner.RunAsync(options, CancellationToken.None);

        var m = result.Messages!;
        Assert.InRange(m.Sent, 60, 130);
        Assert.Equal(m.Sent, m.Accepted);
        Assert.Equal(m.Accepted, m.Delivered);
        Assert.Equal(0, m.Lost);
        Assert.Equal(0, m.Duplicates);
        Assert.Equal(0, m.Decrypted); // opaque payloads: nothing to decrypt
        Assert.Equal(m.Delivered, result.Latency!.Count);
        Assert.True(result.Latency.P50 > 0);
        Assert.Contains(result.Processes, p => p.Pid == _host.Pid && p.RssBytes > 0);
        Assert.Equal(2, result.Generator.Count); // send, send + drain: the generator's own CPU per message
        Assert.All(result.Generator, g => Assert.Equal(m.Sent, g.Messages));
        Assert.True(result.Generator[1].CpuSeconds >= result.Generator[0].CpuSeconds);
        var back = JsonSerializer.Deserialize<LoadResult>(await File.ReadAllTextAsync(files.Json), ReportWriter.Json)!;
        Assert.Equal(m.Delivered, back.Messages!.Delivered);
        Assert.True(new FileInfo(files.Png).Length > 5_000);
        Assert.Contains("delivered / lost / duplicated", await File.ReadAllTextAsync(files.Markdown), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ProtocolSessions_DecryptsEveryMessageItCounts()
    {
        var options = LoadOptions.Parse(["steady", "--url", $"http://127.0.0.1:{_port}", "--protocol", "--devices", "4", "--rate", "20", "--duration", "2",
            "--warmup", "0", "--no-find-server", "--out", _out.Path, "--name", "protocol", "--drain-timeout", "20"]);

        var (result, _) = await LoadRunner.RunAsync(options, CancellationToken.None);

        // Deliveries are only counted after the Double Ratchet decrypted the text that carries the tracking header.
        var m = result.Messages!;
        Assert.InRange(m.Sent, 30, 50);
        Assert.Equal(m.Sent, m.Accepted);
        Assert.Equal(m.Accepted, m.Delivered);
        Assert.Equal(0, m.Unknown);
        Assert.Equal(0, m.Duplicates);
        Assert.True(m.Decrypted >= m.Delivered, $"{m.Decrypted} decrypted < {m.Delivered} delivered");
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _data.Dispose();
        _out.Dispose();
    }

    /// <summary>The repository root (where Directory.Packages.props is), found from the test binaries.</summary>
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found.");
    }
}
