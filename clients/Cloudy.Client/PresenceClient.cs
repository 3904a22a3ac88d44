using Cloudy.Client.Wire;

namespace Cloudy.Client;

/// <summary>Presence (<c>/v1/presence</c>, docs/api-presence.md): who is online, who may see me, watches.</summary>
public sealed class PresenceClient
{
    /// <summary>Visibility values the server accepts.</summary>
    public static readonly IReadOnlyList<string> Visibilities = ["nobody", "allowlist", "everyone"];

    private readonly IdentityClient _identity;

    /// <summary>Creates the client; it authenticates as <paramref name="identity"/>'s device.</summary>
    public PresenceClient(IdentityClient identity) => _identity = identity;

    /// <summary>The presence of <paramref name="accountId"/> as its owner lets me see it (404 when not available to me).</summary>
    public async Task<PresenceResponse> GetAsync(string accountId, CancellationToken cancellationToken = default) =>
        (await _identity.SendAsync<object, PresenceResponse>(HttpMethod.Get, $"v1/presence/{Uri.EscapeDataString(accountId)}", null, null,
            ClientJsonContext.Default.PresenceResponse, true, cancellationToken))!;

    /// <summary>My presence settings (default <c>nobody</c>).</summary>
    public async Task<PresenceSettings> GetSettingsAsync(CancellationToken cancellationToken = default) =>
        (await _identity.SendAsync<object, PresenceSettings>(HttpMethod.Get, "v1/presence/settings", null, null,
            ClientJsonContext.Default.PresenceSettings, true, cancellationToken))!;

    /// <summary>Sets who may see my presence; returns the settings as stored.</summary>
    public async Task<PresenceSettings> SetVisibilityAsync(string visibility, IReadOnlyList<string>? allow = null, CancellationToken cancellationToken = default)
    {
        if (!Visibilities.Contains(visibility))
        {
            throw new ArgumentOutOfRangeException(nameof(visibility), visibility, "Visibility is nobody, allowlist or everyone.");
        }

        return (await _identity.SendAsync(HttpMethod.Put, "v1/presence/settings", new PresenceSettings(visibility, allow),
            ClientJsonContext.Default.PresenceSettings, ClientJsonContext.Default.PresenceSettings, true, cancellationToken))!;
    }

    /// <summary>Watches accounts: their changes arrive as <c>presence</c> frames on my stream until the watch expires.</summary>
    public async Task<WatchResponse> WatchAsync(IReadOnlyList<string> accountIds, CancellationToken cancellationToken = default) =>
        (await _identity.SendAsync(HttpMethod.Post, "v1/presence/watch", new WatchRequest(accountIds),
            ClientJsonContext.Default.WatchRequest, ClientJsonContext.Default.WatchResponse, true, cancellationToken))!;
}
