using Cloudy.Client.Messaging;

namespace Cloudy.EndToEnd.Tests;

/// <summary>
/// Reading what a device receives. Delivery is asynchronous (a send is acknowledged once the bus holds the
/// envelope; the mailbox writer consumes it afterwards), so every read polls until the expected texts are there.
/// </summary>
internal static class Inbox
{
    /// <summary>Generous: two busy cores, a dozen processes in platform mode.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Drains the mailbox over REST (decrypt, ack) until <paramref name="count"/> texts arrived; returns the texts in order.</summary>
    public static async Task<List<string>> FetchTextsAsync(Messenger messenger, int count, TimeSpan? timeout = null)
    {
        var texts = new List<string>();
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (texts.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"got {texts.Count} of {count} texts within {timeout ?? Timeout}: {string.Join(" | ", texts)}");
            var batch = await messenger.FetchInboxAsync();
            AddTexts(texts, batch);
            if (batch.Count == 0)
            {
                await Task.Delay(50);
            }
        }

        // Anything beyond the expected count (a duplicate) would be in the mailbox by now or very soon.
        AddTexts(texts, await messenger.FetchInboxAsync());
        return texts;
    }

    /// <summary>
    /// Connects the device's WebSocket stream (through the gateway), collects texts until
    /// <paramref name="count"/> arrived and the stored backlog is drained (the queue-empty marker), then disconnects.
    /// <paramref name="onQueueEmpty"/> gets the number of texts that came before the marker.
    /// </summary>
    public static async Task<List<string>> ListenForTextsAsync(Messenger messenger, int count, Func<int, Task>? onQueueEmpty = null)
    {
        var texts = new List<string>();
        using var stop = new CancellationTokenSource(Timeout);
        var drained = false;
        await messenger.ListenAsync(
            async m =>
            {
                Assert.Equal(IncomingStatus.Decrypted, m.Status);
                if (m.Content?.Kind == ContentKinds.Text)
                {
                    lock (texts)
                    {
                        texts.Add(m.Content.Text!);
                        if (drained && texts.Count == count)
                        {
                            _ = StopWhenAckedAsync(messenger, stop);
                        }
                    }
                }

                await Task.CompletedTask;
            },
            async () =>
            {
                int backlog;
                lock (texts)
                {
                    drained = true;
                    backlog = texts.Count;
                    if (backlog >= count)
                    {
                        _ = StopWhenAckedAsync(messenger, stop);
                    }
                }

                if (onQueueEmpty is not null)
                {
                    await onQueueEmpty(backlog);
                }
            },
            stop.Token);
        Assert.True(texts.Count >= count, $"the stream gave {texts.Count} of {count} texts within {Timeout}: {string.Join(" | ", texts)}");
        return texts;
    }

    /// <summary>
    /// Stops listening once the server holds no envelope for the device any more, i.e. every ack was sent and
    /// processed, so a test may assert an empty mailbox right after. (The stream client sends its close only between
    /// frames, so the ack of the frame in hand goes out first either way.)
    /// </summary>
    private static async Task StopWhenAckedAsync(Messenger messenger, CancellationTokenSource stop)
    {
        try
        {
            while (!stop.IsCancellationRequested && (await messenger.Messages.FetchAsync()).Envelopes.Count > 0)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    /// <summary>Polls the device's mailbox (without consuming it) until it holds <paramref name="count"/> envelopes.</summary>
    public static async Task WaitForMailboxAsync(Messenger messenger, int count)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while ((await messenger.Messages.FetchAsync()).Envelopes.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the mailbox did not reach {count} envelopes within {Timeout}");
            await Task.Delay(50);
        }
    }

    private static void AddTexts(List<string> texts, IEnumerable<IncomingMessage> batch)
    {
        foreach (var m in batch)
        {
            Assert.Equal(IncomingStatus.Decrypted, m.Status);
            if (m.Content?.Kind == ContentKinds.Text)
            {
                texts.Add(m.Content.Text!);
            }
        }
    }
}
