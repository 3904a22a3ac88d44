using Cloudy.Contracts;
using Cloudy.Delivery.Mailbox;
using Cloudy.Delivery.Streaming;
using Cloudy.EventBus;
using Cloudy.Store;

namespace Cloudy.Delivery.Presence;

/// <summary>
/// Forwards <see cref="PresenceChanged"/> as an ephemeral <c>presence</c> frame to every device of each named
/// watcher that holds a live stream now (on whichever instance). Nothing is stored: an offline device simply
/// misses it and learns the current state from its next watch. Only the accounts in
/// <see cref="PresenceChanged.Watchers"/> are notified, because presence already applied the owner's visibility.
/// </summary>
internal sealed class PresenceChangedPush(DeviceRegistry devices, ConnectionRegistry connections, Notifier notifier)
    : IEventHandler<PresenceChanged>
{
    /// <inheritdoc />
    public Task HandleAsync(PresenceChanged @event, CancellationToken cancellationToken)
    {
        if (!KeySpace.IsValidAccountId(@event.AccountId))
        {
            return Task.CompletedTask;   // not an id presence would publish; retrying would never succeed
        }

        var frame = new PresenceFrame(@event.AccountId, @event.Online, @event.LastSeen);

        // Ids we could not key are skipped rather than failing the event: the other watchers still get it.
        var watchers = (@event.Watchers ?? []).Where(KeySpace.IsValidAccountId).Distinct(StringComparer.Ordinal);
        return Task.WhenAll(watchers.Select(watcher => PushToAsync(watcher, frame)));
    }

    private async Task PushToAsync(string watcher, PresenceFrame frame)
    {
        var registered = (await devices.GetAsync(watcher).ConfigureAwait(false)).Registered;
        if (registered.Count == 0)
        {
            return;
        }

        var live = await connections.LookupAsync(watcher, registered).ConfigureAwait(false);
        await Task.WhenAll(live.Select(pair => notifier.PresenceAsync(pair.Value, watcher, pair.Key, frame))).ConfigureAwait(false);
    }
}
