using Cloudy.Presence.Tests.Support;
using Cloudy.Testing;

namespace Cloudy.Presence.Tests;

/// <summary>Connection events from the real in-process bus → the presence an allowed caller reads.</summary>
public abstract class ConnectionProjectionTests(PresenceHostFixture host)
{
    private static readonly TimeSpan _precision = TimeSpan.FromMinutes(5);

    [RequirementsFact]
    public async Task DeviceConnected_Published_OwnerReadsOnlineWithoutLastSeen()
    {
        var (owner, viewer) = await PublicOwnerAsync();

        await host.ConnectAsync(owner);

        await PresenceHostFixture.EventuallyAsync(() => viewer.IsOnlineAsync(owner), "online");
        var body = await viewer.PresenceOfAsync(owner);
        Assert.Equal(owner, body.GetProperty("accountId").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("lastSeen").ValueKind);
    }

    [RequirementsFact]
    public async Task DeviceDisconnected_LastDevice_OfflineWithLastSeenRoundedDown()
    {
        var (owner, viewer) = await PublicOwnerAsync();
        var leftAt = DateTimeOffset.UtcNow.AddMinutes(-7).AddSeconds(-13);
        await host.ConnectAsync(owner);
        await PresenceHostFixture.EventuallyAsync(() => viewer.IsOnlineAsync(owner), "online");

        await host.DisconnectAsync(owner, at: leftAt);

        await PresenceHostFixture.EventuallyAsync(async () => !await viewer.IsOnlineAsync(owner), "offline");
        var lastSeen = (await viewer.PresenceOfAsync(owner)).GetProperty("lastSeen").GetDateTimeOffset();
        Assert.Equal(0, lastSeen.ToUnixTimeMilliseconds() % (long)_precision.TotalMilliseconds);
        Assert.InRange(leftAt - lastSeen, TimeSpan.Zero, _precision - TimeSpan.FromMilliseconds(1));
    }

    [RequirementsFact]
    public async Task DeviceDisconnected_OneOfTwoDevices_StaysOnline()
    {
        var (owner, viewer) = await PublicOwnerAsync();
        await host.ConnectAsync(owner, device: 1);
        await host.ConnectAsync(owner, device: 2);

        await host.DisconnectAsync(owner, device: 1);
        await host.DisconnectAsync(owner, device: 2, instance: "instance-b");   // not the instance holding it: stale
        await SettleAsync(owner);

        Assert.True(await viewer.IsOnlineAsync(owner));
        await host.DisconnectAsync(owner, device: 2);
        await PresenceHostFixture.EventuallyAsync(async () => !await viewer.IsOnlineAsync(owner), "offline after the last device");
    }

    [RequirementsFact]
    public async Task DeviceDisconnected_FromReplacedInstance_DoesNotEndNewerStream()
    {
        var (owner, viewer) = await PublicOwnerAsync();
        await host.ConnectAsync(owner, instance: "instance-a");
        await host.ConnectAsync(owner, instance: "instance-b");   // the device reconnected through another instance

        await host.DisconnectAsync(owner, instance: "instance-a");
        await SettleAsync(owner);

        Assert.True(await viewer.IsOnlineAsync(owner));
    }

    [RequirementsFact]
    public async Task HeartbeatLapse_NoDisconnect_OfflineWithLastSeenAtLastHeartbeat()
    {
        var (owner, viewer) = await PublicOwnerAsync();
        var heartbeat = PresenceHostFixture.LapsingAt();
        await host.ConnectAsync(owner, at: heartbeat);
        await PresenceHostFixture.EventuallyAsync(() => viewer.IsOnlineAsync(owner), "online");

        // No disconnect ever comes, as when the delivery instance crashed.
        await PresenceHostFixture.EventuallyAsync(async () => !await viewer.IsOnlineAsync(owner), "offline after the heartbeat TTL");

        var lastSeen = (await viewer.PresenceOfAsync(owner)).GetProperty("lastSeen").GetDateTimeOffset();
        Assert.InRange(heartbeat - lastSeen, TimeSpan.Zero, _precision);
        Assert.Equal(0, lastSeen.ToUnixTimeMilliseconds() % (long)_precision.TotalMilliseconds);
        Assert.True(DateTimeOffset.UtcNow - heartbeat >= PresenceHostFixture.HeartbeatTtl - TimeSpan.FromMilliseconds(100));
    }

    [RequirementsFact]
    public async Task HeartbeatLapse_Swept_IndexEntryRemovedAndLastSeenStored()
    {
        var (owner, _) = await PublicOwnerAsync();
        await host.ConnectAsync(owner, at: PresenceHostFixture.LapsingAt());
        await PresenceHostFixture.EventuallyAsync(async () => await host.Db.SortedSetScoreAsync("pr:sweep", owner) is not null, "indexed");

        await PresenceHostFixture.EventuallyAsync(
            async () => await host.Db.SortedSetScoreAsync("pr:sweep", owner) is null && await host.Db.KeyExistsAsync($"pr:{{{owner}}}:seen"),
            "swept: unindexed, last seen stored");
        Assert.Equal(0, await host.Db.SortedSetLengthAsync($"pr:{{{owner}}}:dev"));
    }

    [RequirementsFact]
    public async Task RepeatedDeviceConnected_Heartbeats_KeepOnlinePastFirstTtl()
    {
        var (owner, viewer) = await PublicOwnerAsync();
        // The first announcement is almost one TTL old: alone it would lapse in about half a second.
        var firstExpiry = DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        await host.ConnectAsync(owner, at: firstExpiry - PresenceHostFixture.HeartbeatTtl);
        await host.ConnectAsync(owner);   // the heartbeat renews it

        // Wait until the renewal is applied (the device's expiry moved past the first one's), not a fixed time:
        // a busy machine may hand the events over late.
        await PresenceHostFixture.EventuallyAsync(
            async () => await host.Db.SortedSetScoreAsync($"pr:{{{owner}}}:dev", "1") > firstExpiry.ToUnixTimeMilliseconds(), "renewal applied");
        var sinceFirstExpiry = firstExpiry + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;   // a few sweeps past it
        if (sinceFirstExpiry > TimeSpan.Zero)
        {
            await Task.Delay(sinceFirstExpiry);
        }

        Assert.True(await viewer.IsOnlineAsync(owner));
    }

    [RequirementsFact]
    public async Task DeviceConnected_OlderThanTtl_Ignored()
    {
        var (owner, viewer) = await PublicOwnerAsync();

        await host.ConnectAsync(owner, at: DateTimeOffset.UtcNow - PresenceHostFixture.HeartbeatTtl - TimeSpan.FromSeconds(1));
        await SettleAsync(owner);

        Assert.False(await viewer.IsOnlineAsync(owner));
        Assert.False(await host.Db.KeyExistsAsync($"pr:{{{owner}}}:dev"));
    }

    [RequirementsFact]
    public async Task MalformedConnectionEvent_Ignored_NothingWrittenAndQueueDrained()
    {
        var (owner, viewer) = await PublicOwnerAsync();

        await host.ConnectAsync(owner, device: 0);
        await host.ConnectAsync(owner, instance: "");
        await SettleAsync(owner);

        Assert.False(await viewer.IsOnlineAsync(owner));
        Assert.Equal(0, await host.Db.ListLengthAsync(Cloudy.EventBus.InProcess.BusKeys.DeadLetter(Cloudy.Contracts.Topics.Connections, "presence")));
    }

    /// <summary>An owner visible to everyone, and a client of another account.</summary>
    private async Task<(string Owner, HttpClient Viewer)> PublicOwnerAsync()
    {
        var owner = PresenceHostFixture.NewAccountId();
        using (var ownerClient = host.Client(host.Token(owner)))
        {
            await ownerClient.SetVisibilityAsync("everyone");
        }

        return (owner, host.Client(host.Token(PresenceHostFixture.NewAccountId())));
    }

    /// <summary>Waits until the in-process bus has handed every connection event to presence (a marker event round trip).</summary>
    private async Task SettleAsync(string owner)
    {
        // Events with one key are handled in order: once a marker device shows up, everything before it was applied.
        var marker = 127;
        await host.ConnectAsync(owner, device: marker, instance: "marker");
        await PresenceHostFixture.EventuallyAsync(async () => await host.Db.SortedSetScoreAsync($"pr:{{{owner}}}:dev", marker) is not null, "marker applied");
        await host.DisconnectAsync(owner, device: marker, instance: "marker");
        await PresenceHostFixture.EventuallyAsync(async () => await host.Db.SortedSetScoreAsync($"pr:{{{owner}}}:dev", marker) is null, "marker removed");
    }
}

/// <summary>Against Garnet (embedded mode's store).</summary>
[Collection(PresenceCollection.Name)]
public sealed class GarnetConnectionProjectionTests(GarnetPresenceHost host) : ConnectionProjectionTests(host);

/// <summary>Against redis-server (platform mode's store).</summary>
[Collection(RedisPresenceCollection.Name)]
[RequiresRedisServer]
public sealed class RedisConnectionProjectionTests(RedisPresenceHost host) : ConnectionProjectionTests(host);
