using System.Text;

namespace Cloudy.Cli.Profiles;

/// <summary>
/// Reads secrets: the profile passphrase from <c>CLOUDY_PASSPHRASE</c> or a prompt without echo, and recovery
/// words from <c>CLOUDY_RECOVERY_WORDS</c> or a prompt. Never from the command line (it would land in shell history).
/// </summary>
internal static class Secrets
{
    public const string PassphraseVariable = "CLOUDY_PASSPHRASE";
    public const string RecoveryWordsVariable = "CLOUDY_RECOVERY_WORDS";

    /// <summary>The passphrase of <paramref name="profile"/>; a new one is asked twice.</summary>
    public static string Passphrase(CliContext context, Profile profile, bool isNew)
    {
        if (context.Environment(PassphraseVariable) is { Length: > 0 } fromEnvironment)
        {
            return fromEnvironment;
        }

        var first = Prompt(context, isNew ? $"New passphrase for profile '{profile.Name}': " : $"Passphrase for profile '{profile.Name}': ", echo: false);
        if (isNew)
        {
            if (first.Length < 8)
            {
                throw new CliException("Use a passphrase of at least 8 characters.");
            }

            if (Prompt(context, "Repeat the passphrase: ", echo: false) != first)
            {
                throw new CliException("The passphrases differ.");
            }
        }

        return first;
    }

    /// <summary>The account's recovery words (to give a linked device the account's identity key).</summary>
    public static string RecoveryWords(CliContext context) =>
        context.Environment(RecoveryWordsVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Prompt(context, "Recovery words of the account (shown by `cloudy init` on its first device): ", echo: true);

    private static string Prompt(CliContext context, string question, bool echo)
    {
        if (!context.Interactive)
        {
            throw new CliException($"No terminal to ask for a secret: set {PassphraseVariable} (and {RecoveryWordsVariable} when linking).");
        }

        context.Error.Write(question);
        if (echo)
        {
            return context.In.ReadLine()?.Trim() ?? string.Empty;
        }

        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                context.Error.WriteLine();
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
    }
}
