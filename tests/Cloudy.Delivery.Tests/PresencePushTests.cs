using System.Text.Json;
using Cloudy.Contracts;
using Cloudy.Delivery.Tests.Support;
using Cloudy.Testing;

namespace Cloudy.Delivery.Tests;

/// <summary>
/// <see cref="PresenceChanged"/> consumed from the real in-process bus (on Garnet) and pushed as <c>presence</c>
/// frames over real WebSockets, across two delivery instances sharing one store.
/// </summary>
public sealed class PresencePushTests(GarnetFixture garnet) : DeliveryHostTests(garnet)
{
    private static readonly DateTimeOffset _lastSeen = new(2026, 11, 24, 19, 25, 0, TimeSpan.Zero);

    [Fact]
    public async Task PresenceChanged_NamingWatcher_PushesFrameToEveryLiveDeviceOnAnyInstance()
    {
        await using var other = await DeliveryHost.StartAsync(Garnet);
        var alice = DeliveryHost.NewAccountId();
        var bob = await Host.CreateAccountAsync(2);
        await using var bobHere = await OpenAsync(Host, bob, 1);
        await using var bobThere = await OpenAsync(other, bob, 2);

        await Host.Bus.PublishAsync(PresenceTopics.Presence, alice, new PresenceChanged(alice, false, _lastSeen, [bob]));

        foreach (var stream in new[] { bobHere, bobThere })
        {
            var presence = (await stream.ExpectAsync("presence")).GetProperty("presence");
            Assert.Equal(alice, presence.GetProperty("accountId").GetString());
            Assert.False(presence.GetProperty("online").GetBoolean());
            Assert.Equal(_lastSeen, presence.GetProperty("lastSeen").GetDateTimeOffset());
        }
    }

    [Fact]
    public async Task PresenceChanged_DeviceNotInWatchers_ReceivesNothing()
    {
        var alice = DeliveryHost.NewAccountId();
        var bob = await Host.CreateAccountAsync();
        var carol = await Host.CreateAccountAsync();
        await using var bobStream = await OpenAsync(Host, bob, 1);
        await using var carolStream = await OpenAsync(Host, carol, 1);

        // Same key, so the bus keeps the order: carol's first frame, if any, must be the second event's.
        await Host.Bus.PublishAsync(PresenceTopics.Presence, alice, new PresenceChanged(alice, true, null, [bob]));
        await Host.Bus.PublishAsync(PresenceTopics.Presence, alice, new PresenceChanged(alice, false, _lastSeen, [bob, carol]));

        var first = (await bobStream.ExpectAsync("presence")).GetProperty("presence");
        Assert.True(first.GetProperty("online").GetBoolean());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("lastSeen").ValueKind);
        Assert.False((await bobStream.ExpectAsync("presence")).GetProperty("presence").GetProperty("online").GetBoolean());
        var carols = (await carolStream.ExpectAsync("presence")).GetProperty("presence");
        Assert.False(carols.GetProperty("online").GetBoolean());
        Assert.Equal(_lastSeen, carols.GetProperty("lastSeen").GetDateTimeOffset());
        Assert.True(await carolStream.QuietForAsync(200), "carol got a frame for an event that did not name her");
    }

    [Fact]
    public async Task PresenceChanged_OfflineDevice_NothingStoredNothingSentOnReconnect()
    {
        var alice = DeliveryHost.NewAccountId();
        var bob = await Host.CreateAccountAsync(2);
        await using var online = await OpenAsync(Host, bob, 1);

        await Host.Bus.PublishAsync(PresenceTopics.Presence, alice, new PresenceChanged(alice, false, _lastSeen, [bob]));
        await online.ExpectAsync("presence");

        Assert.Empty((await Http.FetchAsync(Host.Token(bob, 1))).Envelopes());
        Assert.Empty((await Http.FetchAsync(Host.Token(bob, 2))).Envelopes());
        foreach (var device in new[] { 1, 2 })
        {
            Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:mb:{device}:e"));
            Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:mb:{device}:q"));
        }

        await using var later = await OpenAsync(Host, bob, 2);
        Assert.True(await later.QuietForAsync(300), "a presence change was replayed to a device that was offline");
        Assert.True(await online.QuietForAsync(0), "the change was pushed twice");
    }

    /// <summary>Opens a stream for <paramref name="account"/>/<paramref name="device"/> on <paramref name="host"/> and waits until it is live.</summary>
    private static async Task<StreamClient> OpenAsync(DeliveryHost host, string account, int device)
    {
        var stream = await StreamClient.ConnectAsync(host.BaseAddress, host.Token(account, device));
        await stream.ExpectAsync("queue-empty");
        return stream;
    }
}
