extern alias Service;

using Cloudy.Contracts;
using Cloudy.Delivery.Tests.Support;
using Cloudy.EventBus.InProcess;
using Cloudy.Testing;
using Service::Cloudy.Delivery.Domain;
using static Cloudy.Delivery.Tests.Support.DeliveryApi;

namespace Cloudy.Delivery.Tests;

/// <summary>The <c>delivery</c> consumers on the real in-process bus: envelope writer, device projection, purges.</summary>
public sealed class EnvelopeConsumerTests(GarnetFixture garnet) : DeliveryHostTests(garnet)
{
    [Fact]
    public async Task EnvelopesSent_DeliveredTwice_StoredOnceAndNotResurrectedAfterAck()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();
        var sent = NewSend(alice, bob, 1);

        await Host.Bus.PublishAsync(Topics.Envelopes, bob, sent);
        await Host.Bus.PublishAsync(Topics.Envelopes, bob, sent with { EventId = Guid.NewGuid().ToString("N") });
        await WaitForBusIdleAsync();

        var envelope = Assert.Single((await Http.FetchAsync(Host.Token(bob, 1))).Envelopes());
        Assert.Equal(sent.Envelopes[0].EnvelopeId, envelope.GetProperty("id").GetString());
        using (var ack = await Http.AckAsync(Host.Token(bob, 1), sent.Envelopes[0].EnvelopeId))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, ack.StatusCode);
        }

        await Host.Bus.PublishAsync(Topics.Envelopes, bob, sent);
        await WaitForBusIdleAsync();
        Assert.Empty((await Http.FetchAsync(Host.Token(bob, 1))).Envelopes());
    }

    [Fact]
    public async Task EnvelopesSent_ForDeviceRemovedAfterSend_NotStored()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        await Host.RemoveDeviceAsync(bob, 2);

        await Host.Bus.PublishAsync(Topics.Envelopes, bob, NewSend(alice, bob, 2));
        await WaitForBusIdleAsync();

        Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:mb:2:q"));
        Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:mb:2:e"));
    }

    [Fact]
    public async Task DeviceLinked_AfterRemoval_RegistersAgainAndClearsStaleMark()
    {
        var bob = await Host.CreateAccountAsync(2);
        await Host.RemoveDeviceAsync(bob, 2);
        Assert.False(await Host.Db.HashExistsAsync($"dl:{{{bob}}}:devices", 2));

        await Host.Bus.PublishAsync(Topics.Identity, bob, new DeviceLinked(bob, 2));
        await Eventually.TrueAsync(async () => await Host.Db.HashExistsAsync($"dl:{{{bob}}}:devices", 2));

        Assert.False(await Host.Db.HashExistsAsync($"dl:{{{bob}}}:removed", 2));
    }

    [Fact]
    public async Task DeviceRemoved_PurgesOnlyThatDevicesMailbox()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("a")), new Msg(2, Content("b")));
        await Http.WaitForMailboxAsync(Host.Token(bob, 2), 1);

        await Host.RemoveDeviceAsync(bob, 2);
        await Host.Bus.PublishAsync(Topics.Identity, bob, new DeviceRemoved(bob, 2));   // redelivery is harmless
        await WaitForBusIdleAsync();

        Assert.Empty(await KeysAsync($"dl:{{{bob}}}:mb:2:*"));
        Assert.NotEmpty(await KeysAsync($"dl:{{{bob}}}:mb:1:*"));
        Assert.Single((await Http.FetchAsync(Host.Token(bob, 1))).Envelopes());
    }

    [Fact]
    public async Task AccountDeleted_PurgesEveryDeliveryKeyOfTheAccountOnly()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("a")), new Msg(2, Content("b")));
        await Http.SendOkAsync(Host.Token(bob, 1), alice, new Msg(1, Content("c")));
        await Http.WaitForMailboxAsync(Host.Token(bob, 1), 1);
        await Http.WaitForMailboxAsync(Host.Token(alice, 1), 1);
        await using var stream = await StreamClient.ConnectAsync(Host.BaseAddress, Host.Token(bob, 2));
        await stream.ExpectAsync("envelope");
        Assert.NotEmpty(await KeysAsync($"dl:{{{bob}}}:conn:*"));
        Assert.NotEmpty(await KeysAsync($"dl:{{{bob}}}:rate:*"));

        await Host.Bus.PublishAsync(Topics.Identity, bob, new AccountDeleted(bob));
        await Eventually.TrueAsync(async () => (await KeysAsync($"dl:{{{bob}}}*")).Count == 0);

        Assert.NotEmpty(await KeysAsync($"dl:{{{alice}}}:mb:1:*"));
        Assert.NotEmpty(await KeysAsync($"dl:{{{alice}}}:devices"));
        using var send = await Http.SendAsync(Host.Token(alice, 1), bob, new Msg(1, Content("x")));
        await send.AssertProblemAsync(System.Net.HttpStatusCode.NotFound);
    }

    private static EnvelopesSent NewSend(string sender, string recipient, int device)
    {
        var now = DateTimeOffset.UtcNow;
        return new EnvelopesSent(recipient, sender, 1, 1, now, [new DeviceEnvelope(EnvelopeId.New(now), device, null, 2, Content("dup"))]);
    }

    private async Task WaitForBusIdleAsync()
    {
        await Eventually.TrueAsync(async () =>
            await Host.Db.ListLengthAsync(BusKeys.Ready(Topics.Envelopes, "delivery")) == 0
            && await Host.Db.ListLengthAsync(BusKeys.Processing(Topics.Envelopes, "delivery")) == 0
            && await Host.Db.ListLengthAsync(BusKeys.Ready(Topics.Identity, "delivery")) == 0
            && await Host.Db.ListLengthAsync(BusKeys.Processing(Topics.Identity, "delivery")) == 0);
        Assert.Equal(0, await Host.Db.ListLengthAsync(BusKeys.DeadLetter(Topics.Envelopes, "delivery")));
    }

    private async Task<List<string>> KeysAsync(string pattern)
    {
        var server = Garnet.Connection.GetServers().Single();
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: pattern))
        {
            keys.Add(key!);
        }

        return keys;
    }
}
