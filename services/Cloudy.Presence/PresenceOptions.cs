namespace Cloudy.Presence;

/// <summary>Presence settings (section <c>Presence</c>); defaults fit delivery's 30 s heartbeat.</summary>
public sealed record PresenceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Presence";

    /// <summary>
    /// How long one <c>DeviceConnected</c> keeps a device online. Delivery re-announces every 30 s and its own
    /// connection key lives 90 s; a little more here, so a slow heartbeat does not flap, yet a crashed delivery
    /// instance's devices go offline within this time.
    /// </summary>
    public TimeSpan HeartbeatTtl { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Last seen is rounded down to a multiple of this, and only the rounded value is stored.</summary>
    public TimeSpan LastSeenPrecision { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most account ids in an allowlist.</summary>
    public int MaxAllowList { get; init; } = 500;

    /// <summary>How long a watch lasts; clients renew it while they display the presence.</summary>
    public TimeSpan WatchTtl { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Most account ids in one watch request.</summary>
    public int MaxWatchPerRequest { get; init; } = 100;

    /// <summary>Most live watchers of one account; further watches are not registered (pushes only).</summary>
    public int MaxWatchersPerAccount { get; init; } = 2000;

    /// <summary>Presence look-ups (one per queried or watched account) one caller may make per <see cref="QueryWindow"/>.</summary>
    public int QueryPermits { get; init; } = 300;

    /// <summary>The fixed window of <see cref="QueryPermits"/>.</summary>
    public TimeSpan QueryWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the sweeper looks for accounts whose last heartbeat lapsed.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Most watchers named in one <c>PresenceChanged</c> event.</summary>
    public int MaxWatchersPerEvent { get; init; } = 200;

    /// <summary>How long a deleted account's tombstone blocks late connection events from recreating its keys.</summary>
    public TimeSpan TombstoneTtl { get; init; } = TimeSpan.FromDays(1);
}
