using System.CommandLine;
using Cloudy.Client.Messaging;

namespace Cloudy.Cli.Commands;

/// <summary><c>cloudy send</c> and <c>cloudy inbox</c>.</summary>
internal static class MessageCommands
{
    public static Command BuildSend(CliContext context, GlobalOptions globals)
    {
        var to = new Argument<string>("contact") { Description = "Contact name (see `cloudy contacts`)." };
        var text = new Argument<string[]>("text") { Description = "The message (the rest of the line).", Arity = ArgumentArity.OneOrMore };
        var send = new Command("send", "Send an end-to-end encrypted message to every device of a contact.") { to, text };
        send.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            var contact = Output.Contact(session.Messenger, parse.GetValue(to)!);
            var result = await session.Messenger.SendTextAsync(contact.AccountId, string.Join(' ', parse.GetValue(text)!), cancellationToken);
            await context.Out.WriteLineAsync($"Sent to {contact.Name} ({result.Envelopes.Count} device(s)).");
            return ExitCodes.Ok;
        });
        return send;
    }

    public static Command BuildInbox(CliContext context, GlobalOptions globals)
    {
        var inbox = new Command("inbox", "Fetch, decrypt and acknowledge pending messages (sends delivery receipts).");
        inbox.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            var messages = await session.Messenger.FetchInboxAsync(cancellationToken);
            var shown = 0;
            foreach (var message in messages.Where(m => m.Content?.Kind != ContentKinds.Typing))
            {
                if (Output.Describe(session.Messenger, message) is { } line)
                {
                    await context.Out.WriteLineAsync(line);
                    shown++;
                }
            }

            if (shown == 0)
            {
                await context.Out.WriteLineAsync("No new messages.");
            }

            return messages.Any(m => m.Status == IncomingStatus.UntrustedIdentity) ? ExitCodes.IdentityChanged : ExitCodes.Ok;
        });
        return inbox;
    }
}
