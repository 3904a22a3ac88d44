using System.Globalization;

namespace Cloudy.Testing;

/// <summary>Debian's <c>redis-server</c>, started as a child process on a loopback port.</summary>
public static class RedisServer
{
    private static readonly string[] _knownLocations = ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"];

    /// <summary>Environment variable naming the redis-server binary to use instead of searching PATH.</summary>
    public const string OverrideVariable = "CLOUDY_REDIS_SERVER";

    /// <summary>Full path of <c>redis-server</c>, or null when it is not installed.</summary>
    public static string? Executable { get; } = Find();

    /// <summary>Why redis-server tests are skipped, or null when the binary is present.</summary>
    public static string? SkipReason => Executable is null
        ? $"redis-server is not installed (apt-get install -y redis-server; `make test` does this) or {OverrideVariable} names no file, so the tests that need it are skipped."
        : null;

    /// <summary>
    /// Starts redis-server on 127.0.0.1:<paramref name="port"/> with its files in <paramref name="dataDirectory"/>,
    /// durable like production: append-only file fsynced on every write (<c>appendfsync always</c>), no RDB snapshots.
    /// Returns once it accepts connections.
    /// </summary>
    public static async Task<TestProcess> StartAsync(string dataDirectory, int port)
    {
        var executable = Executable ?? throw new InvalidOperationException(SkipReason);
        var process = TestProcess.Start(executable,
        [
            "--port", port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", dataDirectory,
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--daemonize", "no",
            "--logfile", "",
        ], name: $"redis-server:{port}");
        try
        {
            await process.WaitForOutputAsync(l => l.Contains("Ready to accept connections", StringComparison.Ordinal), TimeSpan.FromSeconds(20))
                .ConfigureAwait(false);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return process;
    }

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable(OverrideVariable) is { } configured)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"));
        return fromPath.Concat(_knownLocations).FirstOrDefault(File.Exists);
    }
}
