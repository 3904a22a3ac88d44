using System.Net;
using Cloudy.Client.Messaging;
using Cloudy.Client.Wire;
using Cloudy.Contracts.Delivery;

namespace Cloudy.Client.Tests;

/// <summary>End-to-end messaging through the client library against the real embedded host.</summary>
[Collection(ServerCollection.Name)]
public sealed class MessengerTests(EmbeddedServer server)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);   // an upper bound for waits, generous for a busy two-core box

    [Fact]
    public async Task SendText_BothDirections_EachSideDecryptsTheOther()
    {
        using var alice = await TestDevice.CreateAccountAsync(server);
        using var bob = await TestDevice.CreateAccountAsync(server);

        await alice.Messenger.SendTextAsync(bob.AccountId, "hello bob");
        var atBob = await Inbox.WaitForTextsAsync(bob.Messenger, 1);
        await bob.Messenger.SendTextAsync(alice.AccountId, "hello alice");
        var atAlice = await Inbox.WaitForTextsAsync(alice.Messenger, 1);
        var deadline = DateTime.UtcNow + _timeout;
        while (!atAlice.Any(m => m.Content?.Kind == ContentKinds.Receipt))
        {
            // Delivery is asynchronous: read until the receipt is there too (or the deadline, then the assert below says so).
            if (DateTime.UtcNow > deadline)
            {
                break;
            }

            var batch = await alice.Messenger.FetchInboxAsync();
            atAlice.AddRange(batch);
            if (batch.Count == 0)
            {
                await Task.Delay(50);
            }
        }

        var fromAlice = Assert.Single(atBob);
        Assert.Equal(IncomingStatus.Decrypted, fromAlice.Status);
        Assert.Equal("hello bob", fromAlice.Content!.Text);
        Assert.Equal(alice.AccountId, fromAlice.SenderAccountId);
        var texts = atAlice.Where(m => m.Content?.Kind == ContentKinds.Text).ToList();
        Assert.Equal("hello alice", Assert.Single(texts).Content!.Text);
        Assert.Equal(bob.AccountId, texts[0].SenderAccountId);

        // Bob's inbox answered Alice's text with an end-to-end receipt naming its timestamp.
        var receipt = Assert.Single(atAlice, m => m.Content?.Kind == ContentKinds.Receipt);
        Assert.Equal(fromAlice.Content.Timestamp, Assert.Single(receipt.Content!.Receipts!));
    }

    [Fact]
    public async Task Listen_RecipientWasOffline_GetsBacklogInOrderBeforeQueueEmpty()
    {
        using var alice = await TestDevice.CreateAccountAsync(server);
        using var bob = await TestDevice.CreateAccountAsync(server);
        var sent = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            sent.Add($"offline message {i}");
            await alice.Messenger.SendTextAsync(bob.AccountId, sent[^1]);
        }

        await WaitForMailboxAsync(bob, 12);
        var received = new List<string>();
        using var stop = new CancellationTokenSource(_timeout);
        await bob.Messenger.ListenAsync(
            m =>
            {
                received.Add(m.Content?.Text ?? m.Status.ToString());
                return Task.CompletedTask;
            },
            async () => await stop.CancelAsync(),
            stop.Token);

        Assert.Equal(sent, received);
        Assert.Empty((await bob.Messenger.Messages.FetchAsync()).Envelopes);   // every one was acked

        // One receipt for the whole backlog, covering every message.
        await WaitForMailboxAsync(alice, 1);
        var receipt = Assert.Single(await alice.Messenger.FetchInboxAsync());
        Assert.Equal(ContentKinds.Receipt, receipt.Content!.Kind);
        Assert.Equal(12, receipt.Content.Receipts!.Count);
    }

    [Fact]
    public async Task Listen_CancelledWhileHandlingStoredMessage_AcksItThenStops()
    {
        using var alice = await TestDevice.CreateAccountAsync(server);
        using var bob = await TestDevice.CreateAccountAsync(server);
        await alice.Messenger.SendTextAsync(bob.AccountId, "stop after this one");
        await WaitForMailboxAsync(bob, 1);
        var received = new List<string?>();
        using var stop = new CancellationTokenSource(_timeout);

        // The caller stops from inside the handler: the stream must not close before the frame in hand is acked.
        await bob.Messenger.ListenAsync(
            async m =>
            {
                received.Add(m.Content?.Text);
                await stop.CancelAsync();
            },
            null,
            stop.Token);

        Assert.Equal(["stop after this one"], received);
        Assert.Empty((await bob.Messenger.Messages.FetchAsync()).Envelopes);
    }

    [Fact]
    public async Task SendText_RecipientHasTwoDevices_BothGetEveryMessage()
    {
        using var alice = await TestDevice.CreateAccountAsync(server);
        using var bob = await TestDevice.CreateAccountAsync(server);
        using var bobLaptop = await TestDevice.LinkAsync(server, bob);

        string[] texts = ["one", "two", "three"];
        foreach (var text in texts)
        {
            await alice.Messenger.SendTextAsync(bob.AccountId, text);
        }

        Assert.Equal([1, bobLaptop.Messenger.DeviceId], alice.Messenger.KnownDevices(bob.AccountId));
        Assert.Equal(texts, (await Inbox.WaitForTextsAsync(bob.Messenger, 3)).Texts());
        Assert.Equal(texts, (await Inbox.WaitForTextsAsync(bobLaptop.Messenger, 3)).Texts());
    }

    [Fact]
    public async Task SendText_DeviceLinkedAfterSession_Gets409ThenSucceedsAfterRefetch()
    {
        using var alice = await TestDevice.CreateAccountAsync(server);
        using var bob = await TestDevice.CreateAccountAsync(server);
        await alice.Messenger.SendTextAsync(bob.AccountId, "before the laptop");
        using var bobLaptop = await TestDevice.LinkAsync(server, bob);

        // The raw API: addressing only device 1 is refused and names the missing device.
        var refused = await Assert.ThrowsAsync<CloudyApiException>(() => alice.Messenger.Messages.SendAsync(bob.AccountId,
            new SendRequest([new OutgoingMessage(1, null, 2, "AAAA")], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null)));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal([bobLaptop.Messenger.DeviceId], refused.GetIntList("missingDevices"));

        // The messenger still knows only device 1, gets the same 409, fetches the new device's bundle and resends.
        Assert.Equal([1], alice.Messenger.KnownDevices(bob.AccountId));
        var result = await alice.Messenger.SendTextAsync(bob.AccountId, "after the laptop");

        Assert.Equal(1, result.DeviceListCorrections);
        Assert.Equal(2, result.Envelopes.Count);
        Assert.Equal(["before the laptop", "after the laptop"], (await Inbox.WaitForTextsAsync(bob.Messenger, 2)).Texts());
        Assert.Equal(["after the laptop"], (await Inbox.WaitForTextsAsync(bobLaptop.Messenger, 1)).Texts());
    }

    [Fact]
    public async Task SendText_RecipientRemovedADevice_CorrectsDeviceListAndSucceeds()
    {
        using var alice = await TestDevice.CreateAccountAsync(server);
        using var bob = await TestDevice.CreateAccountAsync(server);
        using var bobOld = await TestDevice.LinkAsync(server, bob);
        await alice.Messenger.SendTextAsync(bob.AccountId, "to both");
        Assert.Equal(2, alice.Messenger.KnownDevices(bob.AccountId).Count);

        await bob.Messenger.Identity.RemoveDeviceAsync(bobOld.Messenger.DeviceId);

        // Delivery hears of the removal through identity's event; until then a send to both devices is still accepted.
        SendResult result;
        var deadline = DateTime.UtcNow + _timeout;
        while (true)
        {
            result = await alice.Messenger.SendTextAsync(bob.AccountId, "after removal");
            if (result.DeviceListCorrections > 0 || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);   // every try is a real send: stay well under the 300 sends a minute per sender
        }

        Assert.Equal(1, result.DeviceListCorrections);
        Assert.Equal([1], alice.Messenger.KnownDevices(bob.AccountId));
        Assert.Equal(1, Assert.Single(result.Envelopes).DeviceId);
    }

    [Fact]
    public async Task Decrypt_SenderDevicePresentsOtherIdentityKey_KeptUnackedUntilAccepted()
    {
        // No receipts: a receipt to Bob's genuine device would (rightly) meet the old key again after the accept.
        using var alice = await TestDevice.CreateAccountAsync(server, TestDevice.Options with { SendDeliveryReceipts = false });
        using var bob = await TestDevice.CreateAccountAsync(server);
        await bob.Messenger.SendTextAsync(alice.AccountId, "genuine");
        Assert.Equal(["genuine"], (await Inbox.WaitForTextsAsync(alice.Messenger, 1)).Texts());

        // A device with another identity key joins Bob's account and writes to Alice.
        var code = (await bob.Messenger.Identity.IssueLinkCodeAsync())!.Code;
        using var http = server.NewHttpClient();
        using var other = await Messenger.LinkDeviceAsync(http, code,
            new Cloudy.Protocol.Stores.InMemoryProtocolStore(TestDevice.NewIdentity(), 99), new Cloudy.Client.State.InMemoryClientStateStore(), TestDevice.Options);
        await other.SendTextAsync(alice.AccountId, "trust me");
        await WaitForMailboxAsync(alice, 1);

        var refused = Assert.Single(await alice.Messenger.FetchInboxAsync(), m => m.SenderDeviceId == other.DeviceId);
        Assert.Equal(IncomingStatus.UntrustedIdentity, refused.Status);
        Assert.Null(refused.Content);
        Assert.Single((await alice.Messenger.Messages.FetchAsync()).Envelopes);   // not acked: still in the mailbox
        var pending = alice.Messenger.GetPendingIdentity(bob.AccountId);
        Assert.NotNull(pending);
        Assert.Equal(await other.GetMyIdentityAsync(), pending);
        Assert.NotEqual(pending, await alice.Messenger.GetTrustedIdentityAsync(bob.AccountId, fetch: false));

        Assert.True(await alice.Messenger.AcceptPendingIdentityAsync(bob.AccountId));
        var accepted = await alice.Messenger.FetchInboxAsync();

        Assert.Equal(["trust me"], accepted.Texts());
        Assert.Equal(pending, await alice.Messenger.GetTrustedIdentityAsync(bob.AccountId, fetch: false));
        Assert.Null(alice.Messenger.GetPendingIdentity(bob.AccountId));
    }

    [Fact]
    public async Task SendTyping_RecipientListening_ArrivesLiveAndIsNotStored()
    {
        using var alice = await TestDevice.CreateAccountAsync(server);
        using var bob = await TestDevice.CreateAccountAsync(server);
        await alice.Messenger.SendTextAsync(bob.AccountId, "open the session");
        var live = new TaskCompletionSource<IncomingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource(_timeout);
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = bob.Messenger.ListenAsync(
            m =>
            {
                if (m.Content?.Kind == ContentKinds.Typing)
                {
                    live.TrySetResult(m);
                }

                return Task.CompletedTask;
            },
            () =>
            {
                drained.TrySetResult();
                return Task.CompletedTask;
            },
            stop.Token);
        await drained.Task.WaitAsync(_timeout);

        // Bob answered over the stream, so Alice's session is confirmed; the indicator goes out ephemeral.
        Assert.NotNull(await alice.Messenger.SendTypingAsync(bob.AccountId, typing: true));
        var typing = await live.Task.WaitAsync(_timeout);
        await stop.CancelAsync();
        await listening;

        Assert.True(typing.Content!.Typing);
        Assert.True(typing.Envelope.Ephemeral);
        Assert.Empty((await bob.Messenger.Messages.FetchAsync()).Envelopes);
    }

    [Fact]
    public async Task PreKeys_ConsumedBelowThreshold_ClientRefillsAfterReceiving()
    {
        using var bob = await TestDevice.CreateAccountAsync(server);
        var senders = new List<TestDevice>();
        try
        {
            // Each new sender's first message consumes one of Bob's 12 one-time keys of each kind.
            for (var i = 0; i < 3; i++)
            {
                var sender = await TestDevice.CreateAccountAsync(server);
                senders.Add(sender);
                await sender.Messenger.SendTextAsync(bob.AccountId, $"first contact {i}");
            }

            Assert.Equal(9, (await bob.Messenger.Keys.GetCountsAsync()).PreKeyCount);
            var inbox = await Inbox.WaitForTextsAsync(bob.Messenger, 3);

            Assert.Equal(3, inbox.Count(m => m.Status == IncomingStatus.Decrypted));
            var counts = await bob.Messenger.Keys.GetCountsAsync();
            Assert.Equal(TestDevice.Options.OneTimePreKeys, counts.PreKeyCount);
            Assert.Equal(TestDevice.Options.PqPreKeys, counts.PqPreKeyCount);
        }
        finally
        {
            senders.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Waits until the device's mailbox holds <paramref name="count"/> envelopes (without consuming them).</summary>
    private static async Task WaitForMailboxAsync(TestDevice device, int count)
    {
        var deadline = DateTime.UtcNow + _timeout;
        while ((await device.Messenger.Messages.FetchAsync()).Envelopes.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the mailbox did not reach {count} envelopes");
            await Task.Delay(50);
        }
    }
}
