namespace Cloudy.Contracts;

/// <summary>The presence service's topic (an alias of <see cref="Topics.Presence"/>).</summary>
public static class PresenceTopics
{
    /// <summary>Presence changes to push to watchers, keyed by the account whose presence changed.</summary>
    public const string Presence = Topics.Presence;
}

/// <summary>
/// The presence of <paramref name="AccountId"/> changed (went online or offline, or its owner changed who may
/// see it). Delivery turns it into an ephemeral <c>presence</c> frame for the devices of <paramref name="Watchers"/>
/// that are connected now, and never stores it.
/// </summary>
/// <remarks>
/// <paramref name="Watchers"/> is already filtered by the owner's visibility at publish time, so delivery must
/// not filter again (it cannot: visibility is presence's state) and must not push to anyone else. A change with
/// many watchers is split into several events of at most a few hundred watchers each.
/// The event carries account ids and a rounded timestamp only; the watcher list is a partial contact graph,
/// which is why watches expire after minutes (see docs/api-presence.md).
/// </remarks>
/// <param name="AccountId">The account whose presence changed.</param>
/// <param name="Online">True while at least one of its devices holds a live delivery stream.</param>
/// <param name="LastSeen">When it was last online, rounded down (null while online or when never seen).</param>
/// <param name="Watchers">Accounts to notify: they registered a watch and the owner allows them.</param>
public sealed record PresenceChanged(string AccountId, bool Online, DateTimeOffset? LastSeen, IReadOnlyList<string> Watchers)
    : IntegrationEvent;
