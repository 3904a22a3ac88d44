namespace Cloudy.Identity.Domain;

/// <summary>
/// A device-link code: <c>&lt;accountId&gt;.&lt;secret&gt;</c>, the secret 256 random bits. The account
/// part lets the redeeming request find the account's keys (one hash slot, so the redemption is
/// one transaction); only the secret's digest is stored.
/// </summary>
/// <param name="AccountId">The account the code links to.</param>
/// <param name="Secret">The secret bytes.</param>
public sealed record LinkCode(string AccountId, byte[] Secret)
{
    /// <summary>A fresh code for <paramref name="accountId"/>.</summary>
    public static (LinkCode Code, string Text) New(string accountId)
    {
        var text = accountId + "." + RandomIds.New(RandomIds.SecretBytes);
        return (Parse(text)!, text);
    }

    /// <summary>Parses <paramref name="text"/>, or <c>null</c> when it is not a well-formed code.</summary>
    public static LinkCode? Parse(string? text)
    {
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot < 0)
        {
            return null;
        }

        var account = text![..dot];
        return RandomIds.IsValid(account, RandomIds.AccountIdBytes)
            && RandomIds.TryDecode(text[(dot + 1)..], RandomIds.SecretBytes, out var secret)
                ? new LinkCode(account, secret)
                : null;
    }

    /// <summary>The store's name for the secret.</summary>
    public string Digest => RandomIds.Digest(Secret);
}
