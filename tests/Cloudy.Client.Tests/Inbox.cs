using Cloudy.Client.Messaging;

namespace Cloudy.Client.Tests;

/// <summary>
/// Delivery is asynchronous (the send is acknowledged once the bus holds it; the mailbox writer consumes it
/// right after), so a test reads its inbox until the expected texts are there.
/// </summary>
internal static class Inbox
{
    public static async Task<List<IncomingMessage>> WaitForTextsAsync(Messenger messenger, int count, TimeSpan? timeout = null)
    {
        var received = new List<IncomingMessage>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));   // generous: a busy two-core box
        while (received.Count(IsText) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Got {received.Count(IsText)} of {count} texts: {string.Join(", ", received.Select(m => m.Status + ":" + m.Content?.Kind))}");
            }

            var batch = await messenger.FetchInboxAsync();
            received.AddRange(batch);
            if (batch.Count == 0)
            {
                await Task.Delay(50);
            }
        }

        return received;
    }

    public static List<string?> Texts(this IEnumerable<IncomingMessage> messages) => [.. messages.Where(IsText).Select(m => m.Content!.Text)];

    private static bool IsText(IncomingMessage m) => m.Content?.Kind == ContentKinds.Text;
}
