using System.Diagnostics;
using System.Globalization;
using System.Net;
using Cloudy.Testing;

namespace Cloudy.EndToEnd.Tests;

/// <summary>
/// The embedded host (<c>services/Cloudy.Embedded</c>) started as its own process, as <c>make run</c> does,
/// on free loopback ports (HTTP and the embedded Garnet, so tests can look into the store).
/// </summary>
internal sealed class EmbeddedHost : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private TestProcess? _process;

    /// <summary>A host on <paramref name="dataDirectory"/>; <paramref name="settings"/> are extra environment variables.</summary>
    public EmbeddedHost(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        DataDirectory = dataDirectory;
        _settings = settings ?? new Dictionary<string, string?>();
    }

    public string DataDirectory { get; }

    public int HttpPort { get; } = FreePort.Next();

    public int StorePort { get; } = FreePort.Next();

    public Uri Address => new($"http://127.0.0.1:{HttpPort}");

    public TestProcess Process => _process ?? throw new InvalidOperationException("Not started.");

    /// <summary>From process start to the first 200 from <c>/health/ready</c>.</summary>
    public TimeSpan TimeToReady { get; private set; }

    public async Task StartAsync()
    {
        var watch = Stopwatch.StartNew();
        _process = TestProcess.Start(Repository.Dotnet,
            ["exec", Repository.Assembly("services/Cloudy.Embedded"), "--urls", Address.ToString().TrimEnd('/')],
            new Dictionary<string, string?>(_settings)
            {
                ["Cloudy__DataDir"] = DataDirectory,
                ["Store__Garnet__Port"] = StorePort.ToString(CultureInfo.InvariantCulture),
                ["ASPNETCORE_URLS"] = null,
            },
            workingDirectory: DataDirectory,
            name: "cloudy-embedded");
        await ReadyProbe.WaitAsync(Address, _process, TimeSpan.FromSeconds(60));
        TimeToReady = watch.Elapsed;
    }

    /// <summary>SIGKILL: a crash, nothing flushed on the way out.</summary>
    public void Crash() => Process.Kill();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}

/// <summary>Polls <c>/health/ready</c> until it answers 200.</summary>
internal static class ReadyProbe
{
    public static async Task WaitAsync(Uri host, TestProcess process, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited before it was ready. Output:\n{process.Output}");
            }

            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{host} was not ready within {timeout}. Output:\n{process.Output}");
            }

            await Task.Delay(100);
        }
    }
}
