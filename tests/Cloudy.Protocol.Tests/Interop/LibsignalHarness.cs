using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cloudy.Protocol.Tests.Interop;

/// <summary>
/// Runs <c>tests/interop/harness.mjs</c> (Signal's libsignal under Node) as a child process and
/// talks JSON lines with it. Installs the pinned npm packages first if they are missing. The process
/// is started once per test class and stopped by its PID.
/// </summary>
public class LibsignalHarness : IAsyncLifetime
{
    // Fixtures of several test classes start in parallel; only one of them may run npm at a time.
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private readonly SemaphoreSlim _lock = new(1, 1);
    private Process? _node;
    private int _nextId;

    /// <summary>Version of libsignal-client the harness loaded.</summary>
    public string LibsignalVersion { get; private set; } = "";

    /// <summary>
    /// The npm dependency name (in tests/interop/package.json) to load; by default the pinned
    /// libsignal 0.72.1, the last release before SPQR, whose session protocol is exactly ours.
    /// </summary>
    public virtual string ModuleName => "@signalapp/libsignal-client";

    /// <summary>The exact version package.json pins for <see cref="ModuleName"/>.</summary>
    public string PinnedVersion
    {
        get
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(InteropDirectory, "package.json")));
            var spec = json.RootElement.GetProperty("dependencies").GetProperty(ModuleName).GetString()!;
            return spec[(spec.LastIndexOf('@') + 1)..];
        }
    }

    /// <summary>Directory holding harness.mjs and package.json.</summary>
    public static string InteropDirectory { get; } = FindInteropDirectory();

    public async Task InitializeAsync()
    {
        await EnsureInstalledAsync();
        var start = new ProcessStartInfo("node", ["harness.mjs", ModuleName])
        {
            WorkingDirectory = InteropDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        _node = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        _node.ErrorDataReceived += (_, _) => { };
        _node.BeginErrorReadLine();
        var pong = await CallAsync("ping");
        LibsignalVersion = pong["version"]!.GetValue<string>();
    }

    public async Task DisposeAsync()
    {
        if (_node is null)
        {
            return;
        }
        try
        {
            _node.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Only the process we started, by its PID.
            Process.GetProcessById(_node.Id).Kill();
        }
        _node.Dispose();
    }

    /// <summary>Sends one command; throws <see cref="LibsignalException"/> if libsignal reported an error.</summary>
    public async Task<JsonObject> CallAsync(string command, object? args = null)
    {
        var request = args is null ? new JsonObject() : JsonSerializer.SerializeToNode(args)!.AsObject();
        await _lock.WaitAsync();
        try
        {
            var id = ++_nextId;
            request["id"] = id;
            request["cmd"] = command;
            await _node!.StandardInput.WriteLineAsync(request.ToJsonString());
            await _node.StandardInput.FlushAsync();
            var line = await _node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                ?? throw new InvalidOperationException("libsignal harness exited");
            var reply = JsonNode.Parse(line)!.AsObject();
            if (reply["id"]?.GetValue<int>() != id)
            {
                throw new InvalidOperationException($"out-of-order reply: {line}");
            }
            if (!reply["ok"]!.GetValue<bool>())
            {
                throw new LibsignalException(reply["error"]?.ToString() ?? "Error", reply["message"]?.ToString() ?? "");
            }
            return reply;
        }
        finally
        {
            _lock.Release();
        }
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallLock.WaitAsync();
        try
        {
            await RunInstallScriptAsync();
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static async Task RunInstallScriptAsync()
    {
        var install = new ProcessStartInfo("bash", [Path.Combine(InteropDirectory, "install.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(install) ?? throw new InvalidOperationException("could not run install.sh");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tests/interop/install.sh failed: {await stdout}{await stderr}");
        }
    }

    /// <summary>
    /// tests/interop above the test binaries, or <c>CLOUDY_INTEROP_DIR</c> (a copy of that folder
    /// pinning another libsignal version, to check how far compatibility reaches).
    /// </summary>
    private static string FindInteropDirectory()
    {
        if (Environment.GetEnvironmentVariable("CLOUDY_INTEROP_DIR") is { Length: > 0 } overridden)
        {
            return Path.GetFullPath(overridden);
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "interop", "harness.mjs");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }
        throw new InvalidOperationException("tests/interop/harness.mjs not found above the test binaries");
    }
}

/// <summary>libsignal 0.90.0: SPQR-capable, negotiates down to no-SPQR with peers (like us) that do not send it.</summary>
public sealed class Libsignal090Harness : LibsignalHarness
{
    /// <inheritdoc />
    public override string ModuleName => "libsignal-client-0.90";
}

/// <summary>An error libsignal raised (e.g. on a tampered message).</summary>
public sealed class LibsignalException(string code, string message) : Exception($"{code}: {message}")
{
    /// <summary>libsignal's error code or name.</summary>
    public string Code { get; } = code;
}
