using System.Net;
using Cloudy.Contracts;
using Cloudy.Presence.Tests.Support;
using Cloudy.Testing;

namespace Cloudy.Presence.Tests;

/// <summary>AccountDeleted removes everything presence holds for the account, and late events do not bring it back.</summary>
public abstract class PurgeTests(PresenceHostFixture host)
{
    [RequirementsFact]
    public async Task AccountDeleted_AccountWithStateAndWatchers_AllKeysGoneExceptTombstone()
    {
        var deleted = PresenceHostFixture.NewAccountId();
        var other = PresenceHostFixture.NewAccountId();
        using var deletedClient = host.Client(host.Token(deleted));
        using var otherClient = host.Client(host.Token(other));
        await deletedClient.SetVisibilityAsync("allowlist", other);
        await otherClient.SetVisibilityAsync("allowlist", deleted);
        foreach (var (account, client, peer) in new[] { (deleted, deletedClient, other), (other, otherClient, deleted) })
        {
            Assert.Equal(1, (await client.WatchAsync(peer)).GetProperty("presence").GetArrayLength());
            await host.ConnectAsync(account);
            await host.DisconnectAsync(account, at: DateTimeOffset.UtcNow.AddMinutes(-1));
            await host.ConnectAsync(account, device: 2);
        }

        // dev, inst, seen, vis, allow, watchers, rate (well within the 10 s heartbeat TTL of the test host)
        await PresenceHostFixture.EventuallyAsync(() => Task.FromResult(Keys(deleted).Count == 7 && Keys(other).Count == 7), "state written");
        Assert.NotNull(await host.Db.SortedSetScoreAsync("pr:sweep", deleted));

        await host.Bus.PublishAsync(Topics.Identity, deleted, new AccountDeleted(deleted));

        await PresenceHostFixture.EventuallyAsync(
            () => Task.FromResult(Keys(deleted).SequenceEqual([$"pr:{{{deleted}}}:deleted"])), "only the tombstone left");
        Assert.Null(await host.Db.SortedSetScoreAsync("pr:sweep", deleted));
        Assert.Contains($"pr:{{{other}}}:allow", Keys(other));
        Assert.NotNull(await host.Db.SortedSetScoreAsync("pr:sweep", other));
        var tombstoneTtl = await host.Db.KeyTimeToLiveAsync($"pr:{{{deleted}}}:deleted");
        Assert.NotNull(tombstoneTtl);
    }

    [RequirementsFact]
    public async Task AccountDeleted_LateConnectionEventsAndSettings_WriteNothing()
    {
        var deleted = PresenceHostFixture.NewAccountId();
        using var client = host.Client(host.Token(deleted));   // a token still valid for a few minutes
        await client.SetVisibilityAsync("everyone");
        await host.Bus.PublishAsync(Topics.Identity, deleted, new AccountDeleted(deleted));
        await PresenceHostFixture.EventuallyAsync(async () => !await host.Db.KeyExistsAsync($"pr:{{{deleted}}}:vis"), "purged");

        await host.ConnectAsync(deleted);
        await host.DisconnectAsync(deleted);
        using var put = await client.PutSettingsAsync(new { visibility = "everyone" });
        await Task.Delay(500);   // let the in-process bus hand over the late events

        await put.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal([$"pr:{{{deleted}}}:deleted"], Keys(deleted));
        using var viewer = host.Client(host.Token(PresenceHostFixture.NewAccountId()));
        using var query = await viewer.GetAsync("/v1/presence/" + deleted);
        await query.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private List<string> Keys(string account) =>
        [.. host.StoreServer.Keys(pattern: $"pr:{{{account}}}*", pageSize: 1000).Select(k => k.ToString()).Order(StringComparer.Ordinal)];
}

/// <summary>Against Garnet (embedded mode's store).</summary>
[Collection(PresenceCollection.Name)]
public sealed class GarnetPurgeTests(GarnetPresenceHost host) : PurgeTests(host);

/// <summary>Against redis-server (platform mode's store).</summary>
[Collection(RedisPresenceCollection.Name)]
[RequiresRedisServer]
public sealed class RedisPurgeTests(RedisPresenceHost host) : PurgeTests(host);
