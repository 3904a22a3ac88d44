namespace Cloudy.Presence.Http;

/// <summary>Body of <c>PUT /v1/presence/settings</c>.</summary>
/// <param name="Visibility"><c>nobody</c>, <c>allowlist</c> or <c>everyone</c> (required, exact lowercase).</param>
/// <param name="Allow">Account ids allowed under <c>allowlist</c>; omitted or null keeps the current list, <c>[]</c> clears it.</param>
public sealed record PresenceSettingsRequest(string? Visibility, IReadOnlyList<string?>? Allow);

/// <summary>The caller's presence settings.</summary>
/// <param name="Visibility"><c>nobody</c> (also when never set), <c>allowlist</c> or <c>everyone</c>.</param>
/// <param name="Allow">The allowlist, sorted.</param>
public sealed record PresenceSettingsResponse(string Visibility, IReadOnlyList<string> Allow);

/// <summary>An account's presence as the caller may see it.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Online">A device of the account holds a live delivery stream.</param>
/// <param name="LastSeen">When it was last online, rounded down to the configured precision; null while online or never seen.</param>
public sealed record PresenceResponse(string AccountId, bool Online, DateTimeOffset? LastSeen);

/// <summary>Body of <c>POST /v1/presence/watch</c>.</summary>
/// <param name="AccountIds">Accounts whose changes the caller wants pushed (1 to the configured maximum).</param>
public sealed record WatchRequest(IReadOnlyList<string?>? AccountIds);

/// <summary>Result of a watch.</summary>
/// <param name="ExpiresInSeconds">Renew the watch before this many seconds pass.</param>
/// <param name="Presence">Current presence of the watched accounts the caller may see; the others are simply absent.</param>
public sealed record WatchResponse(int ExpiresInSeconds, IReadOnlyList<PresenceResponse> Presence);
