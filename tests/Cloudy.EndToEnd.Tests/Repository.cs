using System.Reflection;

namespace Cloudy.EndToEnd.Tests;

/// <summary>Where the repository and the hosts' build outputs are, seen from the test assembly.</summary>
internal static class Repository
{
    /// <summary>The repository root (the folder holding <c>deploy/local/run-platform.sh</c>).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration of this test assembly (the hosts were built with it).</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The dotnet host executable.</summary>
    public static string Dotnet { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Path of a built project's main assembly, e.g. <c>services/Cloudy.Embedded</c>.</summary>
    public static string Assembly(string projectFolder) =>
        Path.Combine(Root, projectFolder, "bin", Configuration, "net10.0", Path.GetFileName(projectFolder) + ".dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "deploy", "local", "run-platform.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
    }
}
