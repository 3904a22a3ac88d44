using System.Net;
using System.Net.Http.Json;
using Cloudy.Presence.Tests.Support;
using Cloudy.Testing;

namespace Cloudy.Presence.Tests;

/// <summary>Watches and the PresenceChanged events presence publishes for delivery to push.</summary>
public abstract class WatchPushTests(PresenceHostFixture host)
{
    [RequirementsFact]
    public async Task DeviceConnected_Allowlist_PresenceChangedNamesOnlyAllowedWatchers()
    {
        var owner = PresenceHostFixture.NewAccountId();
        var friend = PresenceHostFixture.NewAccountId();
        var stranger = PresenceHostFixture.NewAccountId();
        using (var self = host.Client(host.Token(owner)))
        {
            await self.SetVisibilityAsync("allowlist", friend, PresenceHostFixture.NewAccountId());
        }

        using (var friendClient = host.Client(host.Token(friend)))
        {
            await friendClient.WatchAsync(owner);
        }

        using (var strangerClient = host.Client(host.Token(stranger)))
        {
            var answer = await strangerClient.WatchAsync(owner);
            Assert.Equal(0, answer.GetProperty("presence").GetArrayLength());   // hidden: simply absent
        }

        await host.ConnectAsync(owner);

        await PresenceHostFixture.EventuallyAsync(() => Task.FromResult(host.PushesAbout(owner).Count > 0), "a PresenceChanged");
        var push = Assert.Single(host.PushesAbout(owner));
        Assert.True(push.Online);
        Assert.Null(push.LastSeen);
        Assert.Equal([friend], push.Watchers);
    }

    [RequirementsFact]
    public async Task DeviceDisconnected_EveryoneWithThreeWatchers_OfflinePushedInBatchesToAll()
    {
        var owner = PresenceHostFixture.NewAccountId();
        string[] watchers = [PresenceHostFixture.NewAccountId(), PresenceHostFixture.NewAccountId(), PresenceHostFixture.NewAccountId()];
        using (var self = host.Client(host.Token(owner)))
        {
            await self.SetVisibilityAsync("everyone");
        }

        await host.ConnectAsync(owner);
        await PresenceHostFixture.EventuallyAsync(async () => await host.Db.KeyExistsAsync($"pr:{{{owner}}}:dev"), "online");
        foreach (var watcher in watchers)
        {
            using var client = host.Client(host.Token(watcher));
            var answer = await client.WatchAsync(owner);
            Assert.True(Assert.Single(answer.GetProperty("presence").EnumerateArray()).GetProperty("online").GetBoolean());
        }

        await host.DisconnectAsync(owner);

        // The test host caps an event at 2 watchers, so three watchers take two events.
        await PresenceHostFixture.EventuallyAsync(
            () => Task.FromResult(host.PushesAbout(owner).Where(p => !p.Online).Sum(p => p.Watchers.Count) >= 3), "offline pushes");
        var offline = host.PushesAbout(owner).Where(p => !p.Online).ToList();
        Assert.Equal(2, offline.Count);
        Assert.Equal(watchers.Order(StringComparer.Ordinal), offline.SelectMany(p => p.Watchers).Order(StringComparer.Ordinal));
        Assert.All(offline, p => Assert.NotNull(p.LastSeen));
    }

    [RequirementsFact]
    public async Task HeartbeatLapse_Watched_OfflinePushedBySweeper()
    {
        var owner = PresenceHostFixture.NewAccountId();
        var watcher = PresenceHostFixture.NewAccountId();
        using (var self = host.Client(host.Token(owner)))
        {
            await self.SetVisibilityAsync("allowlist", watcher);
        }

        using (var client = host.Client(host.Token(watcher)))
        {
            await client.WatchAsync(owner);
        }

        await host.ConnectAsync(owner, at: PresenceHostFixture.LapsingAt());

        await PresenceHostFixture.EventuallyAsync(
            () => Task.FromResult(host.PushesAbout(owner).Any(p => !p.Online)), "offline push after the heartbeat lapsed");
        Assert.Equal([true, false], host.PushesAbout(owner).Select(p => p.Online));
        Assert.All(host.PushesAbout(owner), p => Assert.Equal([watcher], p.Watchers));
    }

    [RequirementsFact]
    public async Task PutSettings_NarrowedToAllowlist_CurrentStatePushedOnlyToWatchersStillAllowed()
    {
        var owner = PresenceHostFixture.NewAccountId();
        var kept = PresenceHostFixture.NewAccountId();
        var dropped = PresenceHostFixture.NewAccountId();
        using var self = host.Client(host.Token(owner));
        await self.SetVisibilityAsync("everyone");
        foreach (var watcher in new[] { kept, dropped })
        {
            using var client = host.Client(host.Token(watcher));
            await client.WatchAsync(owner);
        }

        await self.SetVisibilityAsync("allowlist", kept);

        await PresenceHostFixture.EventuallyAsync(() => Task.FromResult(host.PushesAbout(owner).Count > 0), "push after the change");
        var push = Assert.Single(host.PushesAbout(owner));
        Assert.False(push.Online);
        Assert.Equal([kept], push.Watchers);
    }

    [RequirementsFact]
    public async Task Watch_MixedTargets_AnswersAndRegistersOnlyVisibleOnesWithTtl()
    {
        var visible = PresenceHostFixture.NewAccountId();
        var hidden = PresenceHostFixture.NewAccountId();
        var watcher = PresenceHostFixture.NewAccountId();
        using (var owner = host.Client(host.Token(visible)))
        {
            await owner.SetVisibilityAsync("everyone");
        }

        using var client = host.Client(host.Token(watcher));
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var response = await client.PostAsJsonAsync("/v1/presence/watch", new { accountIds = new[] { hidden, visible, visible } });
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(600, body.GetProperty("expiresInSeconds").GetInt32());
        var entry = Assert.Single(body.GetProperty("presence").EnumerateArray());
        Assert.Equal(visible, entry.GetProperty("accountId").GetString());
        Assert.Null(await host.Db.SortedSetScoreAsync($"pr:{{{hidden}}}:watchers", watcher));   // strangers leave no trace
        var expiry = await host.Db.SortedSetScoreAsync($"pr:{{{visible}}}:watchers", watcher);
        Assert.NotNull(expiry);
        Assert.InRange(expiry.Value, before + 600_000, after + 600_000);   // 10 min from when the server handled the watch
    }
}

/// <summary>Against Garnet (embedded mode's store).</summary>
[Collection(PresenceCollection.Name)]
public sealed class GarnetWatchPushTests(GarnetPresenceHost host) : WatchPushTests(host);

/// <summary>Against redis-server (platform mode's store).</summary>
[Collection(RedisPresenceCollection.Name)]
[RequiresRedisServer]
public sealed class RedisWatchPushTests(RedisPresenceHost host) : WatchPushTests(host);
