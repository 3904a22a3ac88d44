using Cloudy.Store;
using StackExchange.Redis;

namespace Cloudy.Identity.Storage;

/// <summary>
/// Identity's keys. Everything of one account shares the hash tag <c>{accountId}</c>; only the
/// public-link index <c>id:link:&lt;handle&gt;</c> is global (it is found by handle, not by account).
/// </summary>
internal static class IdentityKeys
{
    /// <summary>Hash: <c>created</c> (unix ms), <c>link</c> (current handle, absent when disabled).</summary>
    public static RedisKey Account(string accountId) => KeySpace.Identity.Account(accountId, "account");

    /// <summary>Hash: device id → <c>&lt;public key&gt;:&lt;created unix ms&gt;</c>.</summary>
    public static RedisKey Devices(string accountId) => KeySpace.Identity.Account(accountId, "devices");

    /// <summary>Hash: digest(nonce) → <c>&lt;device id&gt;:&lt;expires unix ms&gt;</c>; the key expires with the newest challenge.</summary>
    public static RedisKey Challenges(string accountId) => KeySpace.Identity.Account(accountId, "challenges");

    /// <summary>Hash: digest(link-code secret) → expires unix ms.</summary>
    public static RedisKey LinkCodes(string accountId) => KeySpace.Identity.Account(accountId, "linkcodes");

    /// <summary>String: the account a public-link handle resolves to.</summary>
    public static RedisKey Handle(string handle) => KeySpace.Identity.Key("link", handle);

    /// <summary>Every per-account key (account deletion removes these plus the handle).</summary>
    public static RedisKey[] AllOf(string accountId) =>
        [Account(accountId), Devices(accountId), Challenges(accountId), LinkCodes(accountId)];

    public const string CreatedField = "created";
    public const string LinkField = "link";
}
