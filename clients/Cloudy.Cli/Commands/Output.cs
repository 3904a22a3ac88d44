using System.Globalization;
using System.Security.Cryptography;
using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Contracts.Delivery;

namespace Cloudy.Cli.Commands;

/// <summary>How the CLI shows contacts, messages, keys and safety numbers.</summary>
internal static class Output
{
    /// <summary>The contact named <paramref name="nameOrAccountId"/>, or a usage error.</summary>
    public static Contact Contact(Messenger messenger, string nameOrAccountId) =>
        messenger.Contacts.Find(nameOrAccountId)
        ?? throw new CliException($"No contact '{nameOrAccountId}'. Add one with `cloudy contact add <link> <name>`; list them with `cloudy contacts`.");

    /// <summary>One line for a received message (texts, receipts, typing and problems).</summary>
    public static string? Describe(Messenger messenger, IncomingMessage message)
    {
        var who = messenger.Contacts.DisplayName(message.SenderAccountId);
        var time = message.Envelope.ServerTimestamp.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        return message.Status switch
        {
            IncomingStatus.Decrypted => message.Content!.Kind switch
            {
                ContentKinds.Text => $"[{time}] {who}: {message.Content.Text}",
                ContentKinds.Receipt => $"[{time}] ✓ delivered to {who} ({message.Content.Receipts?.Count ?? 0} message(s))",
                ContentKinds.Typing => message.Content.Typing == true ? $"… {who} is typing" : null,
                _ => null,
            },
            IncomingStatus.UntrustedIdentity =>
                $"[{time}] WARNING: {who}'s identity key changed; the message is kept until you compare safety numbers (`cloudy safety {who}`).",
            IncomingStatus.Undecryptable => $"[{time}] a message from {who} could not be decrypted and was dropped.",
            _ => null,
        };
    }

    /// <summary>60 digits as 12 groups of 5, in 3 lines (as Signal shows them).</summary>
    public static string SafetyNumber(string digits)
    {
        var groups = Enumerable.Range(0, digits.Length / 5).Select(i => digits.Substring(i * 5, 5)).ToList();
        return string.Join(Environment.NewLine, groups.Chunk(4).Select(row => "  " + string.Join(' ', row)));
    }

    /// <summary>A short, comparable fingerprint of a public key: SHA-256, first 16 bytes, hex in groups of 4.</summary>
    public static string Fingerprint(ReadOnlySpan<byte> publicKey)
    {
        var hex = Convert.ToHexStringLower(SHA256.HashData(publicKey).AsSpan(0, 16));
        return string.Join(' ', Enumerable.Range(0, hex.Length / 4).Select(i => hex.Substring(i * 4, 4)));
    }
}
