namespace Cloudy.Cli;

/// <summary>
/// Where a command reads and writes, and how it sees the environment. The process passes the real console;
/// tests pass writers and a dictionary, so handlers run in-process without touching global state.
/// </summary>
/// <param name="Out">Standard output.</param>
/// <param name="Error">Standard error.</param>
/// <param name="In">Standard input.</param>
/// <param name="Environment">Environment variable lookup.</param>
/// <param name="Interactive">True when a person is at a terminal (prompts without echo, live typing indicators).</param>
internal sealed record CliContext(TextWriter Out, TextWriter Error, TextReader In, Func<string, string?> Environment, bool Interactive)
{
    /// <summary>The process's console and environment.</summary>
    public static CliContext FromProcess() => new(
        Console.Out, Console.Error, Console.In, System.Environment.GetEnvironmentVariable, !Console.IsInputRedirected && !Console.IsOutputRedirected);
}

/// <summary>A failure to report to the user as a message (no stack trace) with an exit code.</summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failure) : Exception(message)
{
    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}

/// <summary>Exit codes of <c>cloudy</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The command failed (message on stderr).</summary>
    public const int Failure = 1;

    /// <summary>Bad usage (System.CommandLine's parse errors).</summary>
    public const int Usage = 2;

    /// <summary>A contact's identity key changed: compare safety numbers (<c>cloudy safety</c>).</summary>
    public const int IdentityChanged = 3;
}
