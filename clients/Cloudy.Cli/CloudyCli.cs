using System.CommandLine;
using System.Net.Http;
using Cloudy.Cli.Commands;
using Cloudy.Cli.Profiles;
using Cloudy.Client;
using Cloudy.Client.Messaging;

namespace Cloudy.Cli;

/// <summary>The <c>cloudy</c> command tree and its error handling.</summary>
internal static class CloudyCli
{
    /// <summary>Parses <paramref name="args"/>, runs the command, and returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var root = Build(context);
        var parsed = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parsed.InvokeAsync(invocation, cancellationToken);
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync("error: " + e.Message);
            return e.ExitCode;
        }
        catch (IdentityChangedException e)
        {
            await context.Error.WriteLineAsync("WARNING: " + e.Message);
            await context.Error.WriteLineAsync("Run `cloudy safety <contact>` to compare safety numbers, then `cloudy safety <contact> --accept`.");
            return ExitCodes.IdentityChanged;
        }
        catch (CloudyApiException e)
        {
            await context.Error.WriteLineAsync("error: the server refused: " + e.Message);
            return ExitCodes.Failure;
        }
        catch (HttpRequestException e)
        {
            await context.Error.WriteLineAsync("error: cannot reach the server: " + e.Message);
            return ExitCodes.Failure;
        }
    }

    private static RootCommand Build(CliContext context)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("cloudy — end-to-end encrypted messaging (Signal protocol: PQXDH + Double Ratchet).")
        {
            globals.Profile,
            globals.Server,
        };
        foreach (var command in new[]
        {
            InitCommand.Build(context, globals),
            LinkCommands.Build(context, globals),
            ContactCommands.BuildAdd(context, globals),
            ContactCommands.BuildList(context, globals),
            MessageCommands.BuildSend(context, globals),
            ChatCommand.Build(context, globals),
            MessageCommands.BuildInbox(context, globals),
            KeysCommand.Build(context, globals),
            SafetyCommand.Build(context, globals),
            DevicesCommands.Build(context, globals),
            PresenceCommands.Build(context, globals),
        })
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}

/// <summary>Options every command takes.</summary>
internal sealed class GlobalOptions
{
    public Option<string> Profile { get; } = new("--profile", "-p")
    {
        Description = "Profile name: a directory under $CLOUDY_HOME (default ~/.cloudy).",
        DefaultValueFactory = _ => "default",
        Recursive = true,
    };

    public Option<string?> Server { get; } = new("--server")
    {
        Description = $"Server URL (init stores it in the profile; default {Cloudy.Cli.Profiles.Profile.DefaultServer}).",
        Recursive = true,
    };

    /// <summary>Unlocks the profile named on the command line.</summary>
    public ProfileSession Open(CliContext context, ParseResult parse) =>
        ProfileSession.Open(context, Cloudy.Cli.Profiles.Profile.Locate(context, parse.GetValue(Profile)), parse.GetValue(Server));
}
