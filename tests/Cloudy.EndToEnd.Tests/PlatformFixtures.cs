using System.Globalization;
using Cloudy.Testing;

namespace Cloudy.EndToEnd.Tests;

/// <summary>A running Cloudy: where its gateway listens and how to reach its store.</summary>
public interface IPlatformUnderTest
{
    /// <summary>The public entry point (the gateway or the embedded host).</summary>
    Uri Gateway { get; }

    /// <summary>StackExchange.Redis configuration string of the platform's store.</summary>
    string StoreConnection { get; }
}

/// <summary>Embedded mode: one <c>Cloudy.Embedded</c> process.</summary>
public sealed class EmbeddedModeFixture : IPlatformUnderTest, IAsyncLifetime
{
    private readonly TempDirectory _data = new("e2e-embedded");
    private EmbeddedHost? _host;

    public Uri Gateway => Host.Address;

    public string StoreConnection => $"127.0.0.1:{Host.StorePort}";

    internal EmbeddedHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _host = new EmbeddedHost(_data.Path);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _data.Dispose();
    }
}

/// <summary>
/// Platform mode: <c>deploy/local/run-platform.sh</c> (Kafka mock cluster = broker test double, redis-server,
/// four service processes, the gateway), on free ports, stopped with SIGTERM so the script's trap stops
/// every process it started. Needs redis-server; otherwise nothing is started and the tests are skipped.
/// </summary>
public sealed class PlatformModeFixture : IPlatformUnderTest, IAsyncLifetime
{
    private readonly TempDirectory _data = new("e2e-platform");
    private readonly int _gatewayPort = FreePort.Next();
    private readonly int _storePort = FreePort.Next();
    private TestProcess? _script;

    public Uri Gateway => new($"http://127.0.0.1:{_gatewayPort}");

    public string StoreConnection => $"127.0.0.1:{_storePort}";

    public async Task InitializeAsync()
    {
        if (RedisServer.SkipReason is not null)
        {
            return;
        }

        string Port() => FreePort.Next().ToString(CultureInfo.InvariantCulture);
        _script = TestProcess.Start("bash", [Path.Combine(Repository.Root, "deploy", "local", "run-platform.sh")],
            new Dictionary<string, string?>
            {
                ["CLOUDY_NO_BUILD"] = "1",
                ["CLOUDY_CONFIGURATION"] = Repository.Configuration,
                ["CLOUDY_DATA_DIR"] = _data.Path,
                ["CLOUDY_STORE"] = "redis",
                ["CLOUDY_STORE_PORT"] = _storePort.ToString(CultureInfo.InvariantCulture),
                ["CLOUDY_GATEWAY_PORT"] = _gatewayPort.ToString(CultureInfo.InvariantCulture),
                ["CLOUDY_IDENTITY_PORT"] = Port(),
                ["CLOUDY_KEYDIRECTORY_PORT"] = Port(),
                ["CLOUDY_DELIVERY_PORT"] = Port(),
                ["CLOUDY_PRESENCE_PORT"] = Port(),
            },
            workingDirectory: Repository.Root,
            name: "run-platform");
        await _script.WaitForOutputAsync(l => l.StartsWith("Cloudy platform ready", StringComparison.Ordinal), TimeSpan.FromSeconds(300));
    }

    public async Task DisposeAsync()
    {
        if (_script is not null)
        {
            await _script.StopAsync(TimeSpan.FromSeconds(30));
            await _script.DisposeAsync();
        }

        _data.Dispose();
    }
}
