using System.CommandLine;
using Cloudy.Client.Messaging;

namespace Cloudy.Cli.Commands;

/// <summary><c>cloudy safety</c>: the safety number with a contact; a changed identity key is a warning until accepted.</summary>
internal static class SafetyCommand
{
    public static Command Build(CliContext context, GlobalOptions globals)
    {
        var with = new Argument<string>("contact") { Description = "Contact name." };
        var accept = new Option<bool>("--accept") { Description = "Trust the contact's new identity key (after comparing the new safety number)." };
        var verified = new Option<bool>("--verified") { Description = "Record that you compared the safety number with the contact." };
        var safety = new Command("safety", "Show the safety number with a contact; compare it in person or over another channel.") { with, accept, verified };
        safety.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            var messenger = session.Messenger;
            var contact = Output.Contact(messenger, parse.GetValue(with)!);
            var output = context.Out;
            try
            {
                await messenger.GetTrustedIdentityAsync(contact.AccountId, cancellationToken: cancellationToken);
            }
            catch (IdentityChangedException)
            {
                // Recorded as pending; shown below.
            }

            var trusted = await messenger.GetTrustedIdentityAsync(contact.AccountId, fetch: false, cancellationToken);
            var pending = messenger.GetPendingIdentity(contact.AccountId);
            if (pending is not null)
            {
                await output.WriteLineAsync($"WARNING: {contact.Name}'s identity key has CHANGED.");
                await output.WriteLineAsync("They may have reinstalled Cloudy — or someone may be intercepting. Verify before trusting it.");
                if (trusted is not null)
                {
                    await output.WriteLineAsync("Old safety number:");
                    await output.WriteLineAsync(Output.SafetyNumber(await messenger.SafetyNumberAsync(contact.AccountId, trusted, cancellationToken)));
                }

                await output.WriteLineAsync("New safety number:");
                await output.WriteLineAsync(Output.SafetyNumber(await messenger.SafetyNumberAsync(contact.AccountId, pending, cancellationToken)));
                if (!parse.GetValue(accept))
                {
                    await output.WriteLineAsync($"After comparing, trust the new key with `cloudy safety {contact.Name} --accept`.");
                    return ExitCodes.IdentityChanged;
                }

                await messenger.AcceptPendingIdentityAsync(contact.AccountId, cancellationToken);
                messenger.Contacts.Save(contact with { IdentityKey = pending.Serialize(), Verified = false });
                await output.WriteLineAsync("The new identity key is now trusted.");
                return ExitCodes.Ok;
            }

            if (trusted is null)
            {
                throw new CliException($"{contact.Name} has no identity key yet.");
            }

            if (contact.IdentityKey is { } recorded && !recorded.AsSpan().SequenceEqual(trusted.Serialize()))
            {
                await output.WriteLineAsync($"WARNING: {contact.Name}'s identity key differs from the one recorded when you added them.");
            }

            await output.WriteLineAsync($"Safety number with {contact.Name}:");
            await output.WriteLineAsync(Output.SafetyNumber(await messenger.SafetyNumberAsync(contact.AccountId, trusted, cancellationToken)));
            await output.WriteLineAsync($"Their identity key fingerprint: {Output.Fingerprint(trusted.Serialize())}");
            if (parse.GetValue(verified))
            {
                messenger.Contacts.Save(contact with { IdentityKey = trusted.Serialize(), Verified = true });
                await output.WriteLineAsync($"Marked {contact.Name} as verified.");
            }
            else
            {
                await output.WriteLineAsync(contact.Verified ? "Verified." : "Not verified yet: compare the numbers with them, then run with --verified.");
            }

            return ExitCodes.Ok;
        });
        return safety;
    }
}
