using System.Buffers;

namespace Cloudy.Store;

/// <summary>
/// The key prefix a service owns in the shared store, and the key shapes built on it.
/// Per-account keys put the account id in a Redis hash tag (<c>kd:{acct}:…</c>) so all keys
/// of one account live in one cluster slot: multi-key transactions and scripts work, and an
/// account's keys can be found with one SCAN pattern.
/// </summary>
public sealed record KeySpace
{
    // Account ids are random tokens; anything outside this set could escape the hash tag or act as a
    // glob character in a SCAN pattern, so it is refused instead of escaped.
    private static readonly SearchValues<char> _idChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    private KeySpace(string prefix) => Prefix = prefix;

    /// <summary>Keys of the identity service (<c>id:</c>).</summary>
    public static KeySpace Identity { get; } = new("id:");

    /// <summary>Keys of the key-directory service (<c>kd:</c>).</summary>
    public static KeySpace KeyDirectory { get; } = new("kd:");

    /// <summary>Keys of the delivery service (<c>dl:</c>).</summary>
    public static KeySpace Delivery { get; } = new("dl:");

    /// <summary>Keys of the presence service (<c>pr:</c>).</summary>
    public static KeySpace Presence { get; } = new("pr:");

    /// <summary>Keys of the in-process event bus (<c>bus:</c>).</summary>
    public static KeySpace Bus { get; } = new("bus:");

    /// <summary>Every service prefix, for tools and tests that check prefixes do not overlap.</summary>
    public static IReadOnlyList<KeySpace> All { get; } = [Identity, KeyDirectory, Delivery, Presence, Bus];

    /// <summary>The prefix, including its trailing colon.</summary>
    public string Prefix { get; }

    /// <summary>A key not tied to one account, e.g. <c>id:link:&lt;handle&gt;</c>.</summary>
    public string Key(params ReadOnlySpan<string> parts) =>
        parts.IsEmpty ? throw new ArgumentException("A key needs at least one part.", nameof(parts)) : Prefix + string.Join(':', parts);

    /// <summary>A key of one account, e.g. <c>kd:{acct}:prekeys:1</c>; with no parts, <c>kd:{acct}</c>.</summary>
    public string Account(string accountId, params ReadOnlySpan<string> parts)
    {
        var root = AccountRoot(accountId);
        return parts.IsEmpty ? root : root + ":" + string.Join(':', parts);
    }

    /// <summary>A SCAN/KEYS pattern that matches every key of <paramref name="accountId"/> in this key space and nothing else.</summary>
    public string AccountPattern(string accountId) => AccountRoot(accountId) + "*";

    /// <summary>True when <paramref name="accountId"/> can be used in keys (non-empty, at most 128 chars of [A-Za-z0-9_-]).</summary>
    public static bool IsValidAccountId(string? accountId) =>
        !string.IsNullOrEmpty(accountId) && accountId.Length <= 128 && !accountId.AsSpan().ContainsAnyExcept(_idChars);

    /// <inheritdoc />
    public override string ToString() => Prefix;

    private string AccountRoot(string accountId) =>
        IsValidAccountId(accountId)
            ? Prefix + "{" + accountId + "}"
            : throw new ArgumentException("Account ids may contain only letters, digits, '-' and '_' (1-128 chars).", nameof(accountId));
}
