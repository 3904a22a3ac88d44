using System.Globalization;
using Cloudy.Store.Garnet;

namespace Cloudy.Store.Tests;

/// <summary>
/// Entry point used only when a test starts this assembly as a child process
/// (<c>dotnet exec Cloudy.Store.Tests.dll garnet-host DIR PORT</c>): hosts Garnet with the production
/// settings so the test can SIGKILL a real process holding the append-only file.
/// </summary>
public static class GarnetHostProgram
{
    /// <summary>Runs Garnet until stdin closes or the process is killed.</summary>
    public static int Main(string[] args)
    {
        if (args is not ["garnet-host", var directory, var port, ..] || args.Length > 4)
        {
            Console.Error.WriteLine("usage: garnet-host DATA_DIR PORT [COMMIT_INTERVAL_MS]");
            return 2;
        }

        var interval = args.Length == 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : EmbeddedGarnetOptions.DefaultCommitIntervalMs;
        using var server = EmbeddedGarnetServer.Start(new EmbeddedGarnetOptions(directory, int.Parse(port, CultureInfo.InvariantCulture), interval));
        Console.WriteLine($"READY {server.EndPoint}");
        Console.In.ReadToEnd();
        return 0;
    }

    /// <summary>Starts this assembly as a Garnet host process and waits until it listens.</summary>
    internal static async Task<Testing.TestProcess> StartAsync(string directory, int port, int? commitIntervalMs = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var process = Testing.TestProcess.Start(dotnet,
            ["exec", typeof(GarnetHostProgram).Assembly.Location, "garnet-host", directory, port.ToString(CultureInfo.InvariantCulture),
                .. commitIntervalMs is { } ms ? [ms.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>()],
            name: $"garnet-host:{port}");
        await process.WaitForOutputAsync(l => l.StartsWith("READY", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        return process;
    }
}
