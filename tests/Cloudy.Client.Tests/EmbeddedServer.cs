using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using Cloudy.Testing;
using StackExchange.Redis;

namespace Cloudy.Client.Tests;

/// <summary>
/// The real embedded host (<c>services/Cloudy.Embedded</c>: all services, edge policies, embedded Garnet,
/// in-process bus) started as a process on free loopback ports with a temporary data directory, and
/// stopped by PID. Its Garnet port is fixed so tests can scan every key and value afterwards.
/// </summary>
public sealed class EmbeddedServer : IAsyncLifetime
{
    private readonly TempDirectory _data = new("cloudy-client-tests");
    private TestProcess? _process;

    public int HttpPort { get; } = FreePort.Next();

    public int StorePort { get; } = FreePort.Next();

    public Uri Address => new($"http://127.0.0.1:{HttpPort}/");

    public string DataDirectory => _data.Path;

    /// <summary>A new HttpClient for the host (one per simulated device, as separate clients would have).</summary>
    public HttpClient NewHttpClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _process = TestProcess.Start(Dotnet, ["exec", HostAssembly(), "--urls", Address.ToString().TrimEnd('/')],
            new Dictionary<string, string?>
            {
                ["Cloudy__DataDir"] = DataDirectory,
                ["Store__Garnet__Port"] = StorePort.ToString(CultureInfo.InvariantCulture),
                ["ASPNETCORE_URLS"] = null,
                // All test clients share one address: they create many accounts and log in often within minutes.
                ["Edge__RateLimits__Registration__Permits"] = "500",
                ["Edge__RateLimits__Login__Permits"] = "5000",
                ["Edge__RateLimits__PerClient__Permits"] = "20000",
                ["Edge__RateLimits__LinkResolve__Permits"] = "500",
            },
            workingDirectory: DataDirectory,
            name: "cloudy-embedded");
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("The embedded host exited. Output:\n" + _process.Output);
            }

            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The embedded host was not ready in 60 s. Output:\n" + _process.Output);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Every needle found anywhere in the store (all keys and values of every type) or in the host's data
    /// directory files (Garnet's append-only log and checkpoints).
    /// </summary>
    public async Task<IReadOnlyList<string>> FindInServerDataAsync(IReadOnlyCollection<string> needles)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        void Check(string where, ReadOnlySpan<byte> haystack)
        {
            foreach (var needle in needles)
            {
                if (haystack.IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0)
                {
                    found.Add($"{needle} in {where}");
                }
            }
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{StorePort},allowAdmin=true");
        var server = redis.GetServer("127.0.0.1", StorePort);
        var db = redis.GetDatabase();
        var keys = 0;
        await foreach (var key in server.KeysAsync(pattern: "*", pageSize: 500))
        {
            keys++;
            byte[] name = key!;
            Check("key name", name);
            foreach (var value in await ValuesAsync(db, key))
            {
                Check("value of " + (string?)key, value);
            }
        }

        Assert.True(keys > 0, "the store scan saw no keys at all, so it proves nothing");
        foreach (var file in Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories))
        {
            try
            {
                Check("file " + Path.GetRelativePath(DataDirectory, file), await File.ReadAllBytesAsync(file));
            }
            catch (IOException)
            {
                // A file Garnet holds exclusively right now; the store scan above covers its content.
            }
        }

        return [.. found];
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _data.Dispose();
    }

    private static async Task<IEnumerable<byte[]>> ValuesAsync(IDatabase db, RedisKey key)
    {
        var type = await db.KeyTypeAsync(key);
        return type switch
        {
            RedisType.String => [(byte[])(await db.StringGetAsync(key))!],
            RedisType.Hash => (await db.HashGetAllAsync(key)).SelectMany(e => new[] { (byte[])e.Name!, (byte[])e.Value! }),
            RedisType.List => (await db.ListRangeAsync(key)).Select(v => (byte[])v!),
            RedisType.Set => (await db.SetMembersAsync(key)).Select(v => (byte[])v!),
            RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(v => (byte[])v!),
            _ => [],
        };
    }

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string HostAssembly()
    {
        var configuration = typeof(EmbeddedServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "services", "Cloudy.Embedded", "bin", configuration, "net10.0", "Cloudy.Embedded.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Cloudy.Embedded.dll not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<EmbeddedServer>
{
    public const string Name = "embedded server";
}
