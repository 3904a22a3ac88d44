namespace Cloudy.Client.Wire;

// Client copies of presence's JSON shapes (docs/api-presence.md).

/// <summary>What the owner of an account lets the caller see.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Online">True when one of its devices holds a delivery stream.</param>
/// <param name="LastSeen">When it was last online (rounded down by the server); null while online or never seen.</param>
public sealed record PresenceResponse(string AccountId, bool Online, DateTimeOffset? LastSeen);

/// <summary>My presence settings: <c>nobody</c>, <c>allowlist</c> (with <paramref name="Allow"/>) or <c>everyone</c>.</summary>
/// <param name="Visibility">The visibility.</param>
/// <param name="Allow">Account ids allowed to see me; null keeps the stored list, empty clears it.</param>
public sealed record PresenceSettings(string Visibility, IReadOnlyList<string>? Allow);

/// <summary>Watch request: get pushes of these accounts' presence changes on my stream.</summary>
public sealed record WatchRequest(IReadOnlyList<string> AccountIds);

/// <summary>Watch answer: how long the watch lasts and the current presence of the accounts that show themselves to me.</summary>
public sealed record WatchResponse(int ExpiresInSeconds, IReadOnlyList<PresenceResponse> Presence);
