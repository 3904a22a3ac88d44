using System.CommandLine;
using Cloudy.Client.State;

namespace Cloudy.Cli.Commands;

/// <summary><c>cloudy contact add</c> and <c>cloudy contacts</c>: names live only in the encrypted profile.</summary>
internal static class ContactCommands
{
    private const int AccountIdLength = 22;

    public static Command BuildAdd(CliContext context, GlobalOptions globals)
    {
        var target = new Argument<string>("link") { Description = "Their public link (or an account id, e.g. of someone who wrote to you)." };
        var name = new Argument<string?>("name") { Description = "A name for them, known only to this profile.", Arity = ArgumentArity.ZeroOrOne };
        var add = new Command("add", "Add a contact from their public link.") { target, name };
        add.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(context, parse);
            var messenger = session.Messenger;
            var given = parse.GetValue(target)!.Trim();
            var handle = given[(given.LastIndexOfAny(['/', '#', ':']) + 1)..];
            var accountId = await messenger.Identity.ResolvePublicLinkAsync(handle, cancellationToken)
                ?? (handle.Length == AccountIdLength && messenger.KnownDevices(handle).Count > 0 ? handle : null)
                ?? throw new CliException("That link does not resolve (mistyped, rotated or disabled).");
            if (accountId == messenger.AccountId)
            {
                throw new CliException("That is your own link.");
            }

            var contactName = parse.GetValue(name) ?? "contact-" + accountId[..6];
            var identity = await messenger.GetTrustedIdentityAsync(accountId, cancellationToken: cancellationToken)
                ?? throw new CliException("That account has no keys yet (it has not finished `cloudy init`).");
            messenger.Contacts.Save(new Contact(contactName, accountId, identity.Serialize()));
            await context.Out.WriteLineAsync($"Added {contactName} ({accountId}).");
            await context.Out.WriteLineAsync($"Compare safety numbers in person with `cloudy safety {contactName}`.");
            return ExitCodes.Ok;
        });
        var contact = new Command("contact", "Manage contacts (names are stored only in this profile, encrypted).");
        contact.Subcommands.Add(add);
        return contact;
    }

    public static Command BuildList(CliContext context, GlobalOptions globals)
    {
        var list = new Command("contacts", "List contacts.");
        list.SetAction(async (parse, _) =>
        {
            using var session = globals.Open(context, parse);
            var contacts = session.Messenger.Contacts.List();
            if (contacts.Count == 0)
            {
                await context.Out.WriteLineAsync("No contacts yet. Add one with `cloudy contact add <link> <name>`.");
            }

            foreach (var contact in contacts)
            {
                var warning = session.Messenger.GetPendingIdentity(contact.AccountId) is null ? "" : "  [identity key changed — run `cloudy safety`]";
                await context.Out.WriteLineAsync($"{contact.Name,-20} {contact.AccountId}{(contact.Verified ? "  verified" : "")}{warning}");
            }

            return ExitCodes.Ok;
        });
        return list;
    }
}
