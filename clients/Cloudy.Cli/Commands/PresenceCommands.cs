using System.CommandLine;
using System.Net;
using Cloudy.Client;

namespace Cloudy.Cli.Commands;

/// <summary><c>cloudy presence show|set</c> (docs/api-presence.md).</summary>
internal static class PresenceCommands
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var presence = new Command("presence", "Online status: see a contact's, choose who sees mine.");

        var who = new Argument<string>("contact") { Description = "Contact name." };
        var show = new Command("show", "Show a contact's presence (if they let you see it).") { who };
        show.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            var contact = Output.Contact(session.Messenger, parse.GetValue(who)!);
            try
            {
                await context.Out.WriteLineAsync(Describe(contact.Name, await session.Messenger.Presence.GetAsync(contact.AccountId, cancellationToken)));
            }
            catch (CloudyApiException e) when (e.Status is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
            {
                await context.Out.WriteLineAsync($"{contact.Name}'s presence is not visible to you.");
            }

            return ExitCodes.Ok;
        });

        var visibility = new Argument<string>("visibility") { Description = "nobody | allowlist | everyone" };
        visibility.AcceptOnlyFromAmong([.. PresenceClient.Visibilities]);
        var allow = new Option<string[]>("--allow") { Description = "Contacts who may see me (with allowlist).", AllowMultipleArgumentsPerToken = true };
        var set = new Command("set", "Choose who sees my presence.") { visibility, allow };
        set.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            var allowed = (parse.GetValue(allow) ?? []).Select(name => Output.Contact(session.Messenger, name).AccountId).ToList();
            var value = parse.GetValue(visibility)!;
            var stored = await session.Messenger.Presence.SetVisibilityAsync(value, allowed.Count > 0 ? allowed : null, cancellationToken);
            var names = stored.Allow?.Select(id => session.Messenger.Contacts.DisplayName(id)).ToList() ?? [];
            await context.Out.WriteLineAsync($"Presence visibility: {stored.Visibility}{(stored.Visibility == "allowlist" ? $" (allowed: {string.Join(", ", names)})" : "")}.");
            return ExitCodes.Ok;
        });

        presence.Subcommands.Add(show);
        presence.Subcommands.Add(set);
        return presence;
    }

    /// <summary>One line for a presence state.</summary>
    public static string Describe(string name, Cloudy.Client.Wire.PresenceResponse state) =>
        $"{name} is {(state.Online ? "online" : "offline")}{(state.LastSeen is { } at ? $", last seen {at.ToLocalTime():yyyy-MM-dd HH:mm}" : "")}.";
}
