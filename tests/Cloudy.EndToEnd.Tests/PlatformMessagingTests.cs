using Cloudy.Testing;
using Xunit.Abstractions;

namespace Cloudy.EndToEnd.Tests;

/// <summary>
/// Platform mode: the messaging tests through the YARP gateway, services as separate processes on the Kafka bus
/// (librdkafka's mock cluster, a broker test double) and redis-server; plus what only this mode has: a Kafka
/// consumer (the delivery process) restarting.
/// </summary>
[RequiresRedisServer]
[Collection(PlatformModeCollection.Name)]
[TestCaseOrderer(RunLastOrderer.TypeName, RunLastOrderer.AssemblyName)]
public sealed class PlatformMessagingTests(PlatformModeFixture platform, SecretLedger secrets, ITestOutputHelper output)
    : MessagingTests<PlatformModeFixture>(platform, secrets, output)
{
    private static readonly TimeSpan _restartTimeout = TimeSpan.FromSeconds(120);

    protected override string StoreFilesPrefix => "store";

    /// <summary>
    /// The delivery process (producer of <c>cloudy.envelopes.v1</c> and the consumer group writing mailboxes) is
    /// stopped by PID right after acknowledged sends, while their envelopes are still on their way to the mailbox:
    /// once gracefully (SIGTERM), once crashed (SIGKILL: offsets consumed since the last commit are consumed again,
    /// the mailbox write must be idempotent). run-platform.sh starts it again each time. The recipient must see
    /// every message exactly once, in order.
    /// </summary>
    [RequirementsFact]
    public async Task DeliveryRestart_WhileEnvelopesInFlight_RecipientGetsEachMessageOnceInOrder()
    {
        using var pair = await PairAsync();
        var (alice, bob) = pair;
        var batches = new[] { NewTexts("restart-a", 10), NewTexts("restart-b", 10), NewTexts("restart-c", 10) };

        await SendAllAsync(batches[0]);
        var first = await Platform.RestartServiceAsync("delivery", crash: false, _restartTimeout);
        Output.WriteLine($"delivery pid {first.Stopped} stopped (SIGTERM) right after the first batch; restarted as pid {first.Started}");

        // Everything acknowledged before the stop is there (REST), once.
        Assert.Equal(batches[0], await Inbox.FetchTextsAsync(bob.Messenger, batches[0].Count));

        await SendAllAsync(batches[1]);
        var second = await Platform.RestartServiceAsync("delivery", crash: true, _restartTimeout);
        Output.WriteLine($"delivery pid {second.Stopped} killed (SIGKILL) right after the second batch; restarted as pid {second.Started}");
        await SendAllAsync(batches[2]);

        // The rest over a new WebSocket to the new process, then one more REST read: a duplicate would show up by now
        // (it would be written before the third batch, which comes later in the same partition).
        var rest = await Inbox.ListenForTextsAsync(bob.Messenger, batches[1].Count + batches[2].Count);
        rest.AddRange(await Inbox.FetchTextsAsync(bob.Messenger, 0));

        Assert.Equal([.. batches[1], .. batches[2]], rest);
        Assert.Empty((await bob.Messenger.Messages.FetchAsync()).Envelopes);

        async Task SendAllAsync(IEnumerable<string> texts)
        {
            foreach (var text in texts)
            {
                await alice.Messenger.SendTextAsync(bob.AccountId, text);
            }
        }
    }
}
