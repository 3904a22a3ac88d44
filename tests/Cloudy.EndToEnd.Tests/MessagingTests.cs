using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Cloudy.Client;
using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Client.Tests;
using Cloudy.Client.Wire;
using Cloudy.Testing;
using Xunit.Abstractions;

namespace Cloudy.EndToEnd.Tests;

/// <summary>Every plaintext and contact name the tests of one class used: the last test looks for them on the server side.</summary>
public sealed class SecretLedger
{
    private readonly ConcurrentQueue<string> _secrets = new();

    /// <summary>All recorded so far.</summary>
    public IReadOnlyCollection<string> All => [.. _secrets];

    /// <summary>A fresh unique string starting with <paramref name="label"/>, recorded.</summary>
    public string New(string label)
    {
        var secret = $"{label}-{Guid.NewGuid():N}";
        _secrets.Enqueue(secret);
        return secret;
    }
}

/// <summary>
/// End-to-end messaging of issue 4 through the public entry point (the YARP gateway, or the embedded host's edge)
/// with the client library doing all cryptography; one derived class per mode runs the same tests.
/// </summary>
public abstract class MessagingTests<TPlatform>(TPlatform platform, SecretLedger secrets, ITestOutputHelper output) : IClassFixture<SecretLedger>
    where TPlatform : class, IPlatformUnderTest
{
    private const int ThroughputMessages = 50;

    /// <summary>The running platform of this class.</summary>
    protected TPlatform Platform => platform;

    /// <summary>Plaintexts and contact names used so far.</summary>
    protected SecretLedger Secrets => secrets;

    /// <summary>Test output (measurements).</summary>
    protected ITestOutputHelper Output => output;

    /// <summary>Where, relative to the data directory, the store keeps its files (the append-only file).</summary>
    protected abstract string StoreFilesPrefix { get; }

    [RequirementsFact]
    public async Task SendText_BothDirections_EachSideDecryptsTheOther()
    {
        using var pair = await PairAsync();
        var (alice, bob) = pair;
        var toBob = NewTexts("to-bob", 3);
        var toAlice = NewTexts("to-alice", 3);

        // Bob is online: Alice's texts arrive as live pushes on his WebSocket, after the (empty) backlog.
        var bobListens = Inbox.ListenForTextsAsync(bob.Messenger, toBob.Count, async _ =>
        {
            foreach (var text in toBob)
            {
                await alice.Messenger.SendTextAsync(bob.AccountId, text);
            }
        });
        Assert.Equal(toBob, await bobListens);

        // Bob answers; Alice reads over the REST fallback.
        foreach (var text in toAlice)
        {
            await bob.Messenger.SendTextAsync(alice.AccountId, text);
        }

        Assert.Equal(toAlice, await Inbox.FetchTextsAsync(alice.Messenger, toAlice.Count));
    }

    [RequirementsFact]
    public async Task Listen_RecipientWasOffline_GetsEverythingOnConnectInOrder()
    {
        using var pair = await PairAsync();
        var (alice, bob) = pair;
        var sent = NewTexts("offline", 15);
        foreach (var text in sent)
        {
            await alice.Messenger.SendTextAsync(bob.AccountId, text);
        }

        await Inbox.WaitForMailboxAsync(bob.Messenger, sent.Count);
        var beforeQueueEmpty = -1;
        var received = await Inbox.ListenForTextsAsync(bob.Messenger, sent.Count, backlog =>
        {
            beforeQueueEmpty = backlog;
            return Task.CompletedTask;
        });

        Assert.Equal(sent, received);
        Assert.Equal(sent.Count, beforeQueueEmpty);   // all of it as the stored backlog, before the queue-empty marker
        Assert.Empty((await bob.Messenger.Messages.FetchAsync()).Envelopes);   // every one was acked
    }

    [RequirementsFact]
    public async Task SendText_RecipientHasTwoDevices_BothGetEveryMessage()
    {
        using var pair = await PairAsync();
        var (alice, bob) = pair;
        using var bobLaptop = await MessagingDevice.LinkAsync(Platform.Gateway, bob);
        await DeliveryView.WaitForDevicesAsync(alice.Messenger, bob.AccountId, [bob.DeviceId, bobLaptop.DeviceId]);
        var sent = NewTexts("two-devices", 4);
        foreach (var text in sent)
        {
            await alice.Messenger.SendTextAsync(bob.AccountId, text);
        }

        Assert.Equal([bob.DeviceId, bobLaptop.DeviceId], alice.Messenger.KnownDevices(bob.AccountId));
        Assert.Equal(sent, await Inbox.FetchTextsAsync(bob.Messenger, sent.Count));
        Assert.Equal(sent, await Inbox.ListenForTextsAsync(bobLaptop.Messenger, sent.Count));
    }

    [RequirementsFact]
    public async Task SendText_DeviceOmitted_Gets409ThenSucceedsAfterRefetch()
    {
        using var pair = await PairAsync();
        var (alice, bob) = pair;
        var before = Secrets.New("before-laptop");
        var after = Secrets.New("after-laptop");
        await alice.Messenger.SendTextAsync(bob.AccountId, before);
        using var bobLaptop = await MessagingDevice.LinkAsync(Platform.Gateway, bob);
        await DeliveryView.WaitForDevicesAsync(alice.Messenger, bob.AccountId, [bob.DeviceId, bobLaptop.DeviceId]);

        // The raw API: addressing only the first device is refused, naming the missing one.
        var refused = await Assert.ThrowsAsync<CloudyApiException>(() => alice.Messenger.Messages.SendAsync(bob.AccountId,
            new SendRequest([new OutgoingMessage(bob.DeviceId, null, 2, "AAAA")], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null)));
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal([bobLaptop.DeviceId], refused.GetIntList("missingDevices"));

        // The messenger still knows one device: it meets the same 409, fetches the new device's keys and resends.
        Assert.Equal([bob.DeviceId], alice.Messenger.KnownDevices(bob.AccountId));
        var result = await alice.Messenger.SendTextAsync(bob.AccountId, after);

        Assert.Equal(1, result.DeviceListCorrections);
        Assert.Equal(2, result.Envelopes.Count);
        Assert.Equal([before, after], await Inbox.FetchTextsAsync(bob.Messenger, 2));
        Assert.Equal([after], await Inbox.FetchTextsAsync(bobLaptop.Messenger, 1));
    }

    /// <summary>Messages per second A→B through the entry point: sequential sends, Bob listening on his stream.</summary>
    [RequirementsFact]
    public async Task SendText_ManyMessagesWhileRecipientListens_AllArriveInOrderAndRateIsReported()
    {
        using var pair = await PairAsync();
        var (alice, bob) = pair;
        await alice.Messenger.SendTextAsync(bob.AccountId, Secrets.New("session"));   // session set up outside the timing
        Assert.Single(await Inbox.FetchTextsAsync(bob.Messenger, 1));
        var sent = NewTexts("rate", ThroughputMessages);
        var watch = new Stopwatch();
        TimeSpan sending = default;

        var received = await Inbox.ListenForTextsAsync(bob.Messenger, sent.Count, async _ =>
        {
            watch.Start();
            foreach (var text in sent)
            {
                await alice.Messenger.SendTextAsync(bob.AccountId, text);
            }

            sending = watch.Elapsed;
        });
        var delivered = watch.Elapsed;

        Assert.Equal(sent, received);
        var line = $"{GetType().Name}: {sent.Count} messages A→B through {Platform.Gateway}: sent (encrypt + HTTP, acknowledged) in {sending.TotalSeconds:F2} s = {sent.Count / sending.TotalSeconds:F1} msg/s; " +
            $"all decrypted by B's stream after {delivered.TotalSeconds:F2} s = {sent.Count / delivered.TotalSeconds:F1} msg/s";
        Output.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "cloudy-e2e-throughput.txt"), $"{DateTime.UtcNow:O} {line}\n");
    }

    /// <summary>Runs after every other test of the class: their plaintexts and contact names must be nowhere on the server side.</summary>
    [RequirementsFact]
    [RunLast]
    public async Task StoreAndDataFiles_AfterAllTests_HoldNoPlaintextOrContactName()
    {
        // Its own exchange too (one message left undelivered in the mailbox), so the scan means something even alone.
        string bobAccount;
        using (var pair = await PairAsync())
        {
            var (alice, bob) = pair;
            bobAccount = bob.AccountId;
            var delivered = Secrets.New("scan-delivered");
            await alice.Messenger.SendTextAsync(bob.AccountId, delivered);
            Assert.Equal([delivered], await Inbox.FetchTextsAsync(bob.Messenger, 1));
            await alice.Messenger.SendTextAsync(bob.AccountId, Secrets.New("scan-pending"));
            await Inbox.WaitForMailboxAsync(bob.Messenger, 1);
        }

        var needles = Secrets.All;
        var (hits, keys) = await StoreScanner.FindAsync(Platform.StoreConnection, Platform.DataDirectory, needles);
        Output.WriteLine($"scanned {keys} keys and {Platform.DataDirectory} for {needles.Count} plaintexts and contact names");

        Assert.True(keys > 0, "the store scan saw no keys at all, so it proves nothing");
        Assert.Empty(hits);

        // Control: the same scan finds what the server legitimately holds (an account id, in key names and in the store's append-only file).
        var (control, _) = await StoreScanner.FindAsync(Platform.StoreConnection, Platform.DataDirectory, [bobAccount]);
        Assert.Contains(control, hit => hit.Contains(" in key name", StringComparison.Ordinal));
        Assert.Contains(control, hit => hit.Contains(" in file " + StoreFilesPrefix, StringComparison.Ordinal));
    }

    /// <summary>Two new accounts that know each other under client-side contact names (recorded as secrets).</summary>
    protected async Task<DevicePair> PairAsync()
    {
        var alice = await MessagingDevice.CreateAccountAsync(Platform.Gateway);
        var bob = await MessagingDevice.CreateAccountAsync(Platform.Gateway);
        alice.Messenger.Contacts.Save(new Contact(Secrets.New("ContactName-Bob"), bob.AccountId));
        bob.Messenger.Contacts.Save(new Contact(Secrets.New("ContactName-Alice"), alice.AccountId));
        await DeliveryView.WaitForDevicesAsync(alice.Messenger, bob.AccountId, [bob.DeviceId]);
        await DeliveryView.WaitForDevicesAsync(bob.Messenger, alice.AccountId, [alice.DeviceId]);
        return new DevicePair(alice, bob);
    }

    /// <summary><paramref name="count"/> fresh plaintexts, recorded.</summary>
    protected List<string> NewTexts(string label, int count) => [.. Enumerable.Range(0, count).Select(i => Secrets.New($"{label}-{i:D3}"))];
}

/// <summary>Two accounts' devices, disposed together.</summary>
public sealed record DevicePair(MessagingDevice Alice, MessagingDevice Bob) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Alice.Dispose();
        Bob.Dispose();
    }
}

/// <summary>Embedded mode: the single <c>Cloudy.Embedded</c> process (Garnet in-process with its append-only file, in-process bus).</summary>
[Collection(EmbeddedModeCollection.Name)]
[TestCaseOrderer(RunLastOrderer.TypeName, RunLastOrderer.AssemblyName)]
public sealed class EmbeddedMessagingTests(EmbeddedModeFixture platform, SecretLedger secrets, ITestOutputHelper output)
    : MessagingTests<EmbeddedModeFixture>(platform, secrets, output)
{
    protected override string StoreFilesPrefix => "garnet";
}
