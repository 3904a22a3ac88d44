using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cloudy.Presence.Tests.Support;

namespace Cloudy.Presence.Tests;

/// <summary>The owner's visibility decides who reads its presence; hidden and unknown look the same.</summary>
[Collection(PresenceCollection.Name)]
public sealed class VisibilityTests(GarnetPresenceHost host)
{
    [Fact]
    public async Task GetPresence_OwnerNeverChose_Returns404IdenticalToUnknownAccount()
    {
        var owner = PresenceHostFixture.NewAccountId();
        await host.ConnectAsync(owner);
        using var viewer = host.Client(host.Token(PresenceHostFixture.NewAccountId()));
        using var self = host.Client(host.Token(owner));
        await PresenceHostFixture.EventuallyAsync(() => self.IsOnlineAsync(owner), "owner online (seen by itself)");

        using var hidden = await viewer.GetAsync("/v1/presence/" + owner);
        using var unknown = await viewer.GetAsync("/v1/presence/" + PresenceHostFixture.NewAccountId());

        var hiddenBody = await hidden.AssertProblemAsync(HttpStatusCode.NotFound);
        var unknownBody = await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(unknownBody.GetProperty("title").GetString(), hiddenBody.GetProperty("title").GetString());
        Assert.Equal(unknownBody.GetProperty("detail").GetString(), hiddenBody.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GetPresence_Nobody_HiddenFromEveryoneButOwner()
    {
        var owner = PresenceHostFixture.NewAccountId();
        var friend = PresenceHostFixture.NewAccountId();
        using var self = host.Client(host.Token(owner));
        await self.SetVisibilityAsync("nobody", friend);
        using var friendClient = host.Client(host.Token(friend));

        using var response = await friendClient.GetAsync("/v1/presence/" + owner);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.False(await self.IsOnlineAsync(owner));   // the owner always sees itself
    }

    [Fact]
    public async Task GetPresence_Allowlist_OnlyListedAccountsSee()
    {
        var owner = PresenceHostFixture.NewAccountId();
        var friend = PresenceHostFixture.NewAccountId();
        using var self = host.Client(host.Token(owner));
        await self.SetVisibilityAsync("allowlist", friend);
        await host.ConnectAsync(owner);
        using var friendClient = host.Client(host.Token(friend));
        using var stranger = host.Client(host.Token(PresenceHostFixture.NewAccountId()));

        await PresenceHostFixture.EventuallyAsync(() => friendClient.IsOnlineAsync(owner), "friend sees online");
        using var refused = await stranger.GetAsync("/v1/presence/" + owner);

        await refused.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task GetPresence_EveryoneThenNobody_VisibilityChangeTakesEffectAtOnce()
    {
        var owner = PresenceHostFixture.NewAccountId();
        using var self = host.Client(host.Token(owner));
        using var viewer = host.Client(host.Token(PresenceHostFixture.NewAccountId()));
        await self.SetVisibilityAsync("everyone");
        Assert.False(await viewer.IsOnlineAsync(owner));

        await self.SetVisibilityAsync("nobody");
        using var response = await viewer.GetAsync("/v1/presence/" + owner);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PutSettings_ThenGet_NormalizedListAndNullAllowKeepsIt()
    {
        var owner = PresenceHostFixture.NewAccountId();
        var a = "a" + PresenceHostFixture.NewAccountId()[1..];
        var b = "b" + PresenceHostFixture.NewAccountId()[1..];
        using var self = host.Client(host.Token(owner));

        using (var put = await self.PutSettingsAsync(new { visibility = "allowlist", allow = new[] { b, a, b, owner } }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using (var keep = await self.PutSettingsAsync(new { visibility = "everyone" }))
        {
            Assert.Equal(HttpStatusCode.OK, keep.StatusCode);
        }

        var settings = await self.GetFromJsonAsync<JsonElement>("/v1/presence/settings");
        Assert.Equal("everyone", settings.GetProperty("visibility").GetString());
        Assert.Equal([a, b], settings.GetProperty("allow").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task GetSettings_NeverSet_DefaultsToNobodyAndEmptyList()
    {
        using var self = host.Client(host.Token(PresenceHostFixture.NewAccountId()));

        var settings = await self.GetFromJsonAsync<JsonElement>("/v1/presence/settings");

        Assert.Equal("nobody", settings.GetProperty("visibility").GetString());
        Assert.Equal(0, settings.GetProperty("allow").GetArrayLength());
    }

    [Fact]
    public async Task GetPresence_AfterWatchesUsedTheBudget_Returns429WithRetryAfter()
    {
        // The window is a fixed minute: a run that straddles a rollover spends its budget in two windows, which
        // proves nothing either way, so it is repeated with a fresh caller (a slow machine can straddle any margin).
        for (var attempt = 1; ; attempt++)
        {
            using var viewer = host.Client(host.Token(PresenceHostFixture.NewAccountId()));
            var intoMinute = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 60_000;
            if (intoMinute > 55_000)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(60_000 - intoMinute + 200));
            }

            var window = CurrentMinute();

            // A watch costs one look-up per account named: four full watches spend the whole budget.
            for (var i = 0; i < PresenceHostFixture.QueryPermits / 100; i++)
            {
                await viewer.WatchAsync([.. Enumerable.Range(0, 100).Select(_ => PresenceHostFixture.NewAccountId())]);
            }

            using var refused = await viewer.GetAsync("/v1/presence/" + PresenceHostFixture.NewAccountId());
            using var refusedWatch = await viewer.PostAsJsonAsync("/v1/presence/watch", new { accountIds = new[] { PresenceHostFixture.NewAccountId() } });
            if (CurrentMinute() != window && attempt < 3)
            {
                continue;
            }

            await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            await refusedWatch.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
            return;
        }
    }

    private static long CurrentMinute() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000;
}
