using System.CommandLine;

namespace Cloudy.Cli.Commands;

/// <summary><c>cloudy link show|enable|disable|rotate</c>: my public link (the only way others find me).</summary>
internal static class LinkCommands
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var link = new Command("link", "Your public link: others resolve it to your account to add you as a contact.");
        link.Subcommands.Add(Sub("show", "Show the link (or that it is disabled).", async (session, ct) =>
            await session.Messenger.Identity.GetPublicLinkAsync(ct) is { } handle ? $"Your public link: {handle}" : "The public link is disabled."));
        link.Subcommands.Add(Sub("enable", "Enable the link (keeps the current one if enabled).", async (session, ct) =>
            $"Your public link: {await session.Messenger.Identity.EnablePublicLinkAsync(ct)}"));
        link.Subcommands.Add(Sub("rotate", "Replace the link; the old one stops working at once.", async (session, ct) =>
            $"Your new public link: {await session.Messenger.Identity.RotatePublicLinkAsync(ct)}"));
        link.Subcommands.Add(Sub("disable", "Disable the link: nobody new can add you through it.", async (session, ct) =>
        {
            await session.Messenger.Identity.DisablePublicLinkAsync(ct);
            return "The public link is disabled.";
        }));
        return link;

        Command Sub(string name, string description, Func<Profiles.ProfileSession, CancellationToken, Task<string>> run)
        {
            var command = new Command(name, description);
            command.SetAction(async (parse, cancellationToken) =>
            {
                using var session = globals.Open(context, parse);
                await context.Out.WriteLineAsync(await run(session, cancellationToken));
                return ExitCodes.Ok;
            });
            return command;
        }
    }
}
