using System.Globalization;
using System.Runtime.InteropServices;
using Cloudy.Testing;

namespace Cloudy.EndToEnd.Tests;

/// <summary>A running Cloudy: where its gateway listens and how to reach its store.</summary>
public interface IPlatformUnderTest
{
    /// <summary>The public entry point (the gateway or the embedded host).</summary>
    Uri Gateway { get; }

    /// <summary>StackExchange.Redis configuration string of the platform's store.</summary>
    string StoreConnection { get; }

    /// <summary>The platform's data directory (the store's append-only file, logs): scanned for plaintext.</summary>
    string DataDirectory { get; }
}

/// <summary>Settings both modes run the e2e tests with.</summary>
internal static class TestSettings
{
    /// <summary>
    /// Every test client shares one loopback address and creates accounts, logs in and sends far faster than a
    /// person: the edge's per-address limits are raised (their own tests prove them).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> RateLimits { get; } = new Dictionary<string, string?>
    {
        ["Edge__RateLimits__Registration__Permits"] = "500",
        ["Edge__RateLimits__Login__Permits"] = "5000",
        ["Edge__RateLimits__PerClient__Permits"] = "20000",
        ["Edge__RateLimits__PerAccount__Permits"] = "20000",
        ["Edge__RateLimits__LinkResolve__Permits"] = "500",
    };
}

/// <summary>Embedded mode: one <c>Cloudy.Embedded</c> process.</summary>
public sealed class EmbeddedModeFixture : IPlatformUnderTest, IAsyncLifetime
{
    private readonly TempDirectory _data = new("e2e-embedded");
    private EmbeddedHost? _host;

    public Uri Gateway => Host.Address;

    public string StoreConnection => $"127.0.0.1:{Host.StorePort}";

    public string DataDirectory => _data.Path;

    internal EmbeddedHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _host = new EmbeddedHost(_data.Path, TestSettings.RateLimits);
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
/// Services that exit are restarted by the script (<c>CLOUDY_RESTART_SERVICES=1</c>), so a test can stop one by PID.
/// </summary>
public sealed class PlatformModeFixture : IPlatformUnderTest, IAsyncLifetime
{
    private readonly TempDirectory _data = new("e2e-platform");
    private readonly int _gatewayPort = FreePort.Next();
    private readonly int _storePort = FreePort.Next();
    private readonly Dictionary<string, int> _servicePorts = new(StringComparer.Ordinal)
    {
        ["identity"] = FreePort.Next(),
        ["key-directory"] = FreePort.Next(),
        ["delivery"] = FreePort.Next(),
        ["presence"] = FreePort.Next(),
    };
    private TestProcess? _script;

    public Uri Gateway => new($"http://127.0.0.1:{_gatewayPort}");

    public string StoreConnection => $"127.0.0.1:{_storePort}";

    public string DataDirectory => _data.Path;

    /// <summary>The run-platform.sh process (its output names every process it starts and restarts).</summary>
    internal TestProcess Script => _script ?? throw new InvalidOperationException("Not started.");

    /// <summary>The loopback port of a service process (identity, key-directory, delivery, presence).</summary>
    internal int ServicePort(string service) => _servicePorts[service];

    public async Task InitializeAsync()
    {
        if (RedisServer.SkipReason is not null)
        {
            return;
        }

        string Port(string service) => _servicePorts[service].ToString(CultureInfo.InvariantCulture);
        _script = TestProcess.Start("bash", [Path.Combine(Repository.Root, "deploy", "local", "run-platform.sh")],
            new Dictionary<string, string?>(TestSettings.RateLimits)
            {
                ["CLOUDY_RESTART_SERVICES"] = "1",
                ["CLOUDY_NO_BUILD"] = "1",
                ["CLOUDY_CONFIGURATION"] = Repository.Configuration,
                ["CLOUDY_DATA_DIR"] = _data.Path,
                ["CLOUDY_STORE"] = "redis",
                ["CLOUDY_STORE_PORT"] = _storePort.ToString(CultureInfo.InvariantCulture),
                ["CLOUDY_GATEWAY_PORT"] = _gatewayPort.ToString(CultureInfo.InvariantCulture),
                ["CLOUDY_IDENTITY_PORT"] = Port("identity"),
                ["CLOUDY_KEYDIRECTORY_PORT"] = Port("key-directory"),
                ["CLOUDY_DELIVERY_PORT"] = Port("delivery"),
                ["CLOUDY_PRESENCE_PORT"] = Port("presence"),
            },
            workingDirectory: Repository.Root,
            name: "run-platform");
        await _script.WaitForOutputAsync(l => l.StartsWith("Cloudy platform ready", StringComparison.Ordinal), TimeSpan.FromSeconds(300));
    }

    /// <summary>
    /// Stops a service process by PID, with SIGTERM (a graceful stop, as a rolling restart does: its Kafka consumers
    /// leave their group) or with SIGKILL when <paramref name="crash"/> (nothing committed on the way out), waits
    /// until run-platform.sh started it again and it is ready; returns both PIDs.
    /// </summary>
    internal async Task<(int Stopped, int Started)> RestartServiceAsync(string service, bool crash, TimeSpan timeout)
    {
        var pidFile = Path.Combine(_data.Path, "run", service + ".pid");
        var stopped = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(0, SendSignal(stopped, crash ? SigKill : SigTerm));
        var line = await Script.WaitForOutputAsync(
            l => l.Contains($"restarted {service} (pid ", StringComparison.Ordinal) && !l.Contains($"(pid {stopped})", StringComparison.Ordinal),
            timeout);
        var started = int.Parse(line[(line.LastIndexOf("(pid ", StringComparison.Ordinal) + 5)..].TrimEnd(')'), CultureInfo.InvariantCulture);
        await ReadyProbe.WaitAsync(new Uri($"http://127.0.0.1:{ServicePort(service)}"), Script, timeout);
        return (stopped, started);
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

    private const int SigTerm = 15;
    private const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
