using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.Presence.Storage;

namespace Cloudy.Presence.Domain;

/// <summary>
/// Tells an account's allowed, live watchers its current presence: publishes <see cref="PresenceChanged"/> on
/// <see cref="PresenceTopics.Presence"/> (keyed by the owner, so one owner's changes stay in order), for delivery to
/// push to the watchers' connected devices. Visibility is applied here, at push time, not when the watch was made.
/// </summary>
internal sealed class PresencePublisher(PresenceStore store, IEventBus bus, PresenceOptions options, TimeProvider time)
{
    /// <summary>Publishes the owner's current state (as the owner sees it) to its allowed watchers; returns how many were named.</summary>
    public async Task<int> PublishCurrentAsync(string owner, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (await store.ReadAsync(owner, owner, now).ConfigureAwait(false) is not { } view)
        {
            return 0;
        }

        var watchers = await store.AllowedWatchersAsync(owner, now).ConfigureAwait(false);
        var size = Math.Max(1, options.MaxWatchersPerEvent);
        foreach (var chunk in watchers.Where(w => w != owner).Chunk(size))
        {
            var @event = new PresenceChanged(owner, view.Online, LastSeen.FromUnixMs(view.LastSeenMs), chunk);
            await bus.PublishAsync(PresenceTopics.Presence, owner, @event, cancellationToken).ConfigureAwait(false);
        }

        return watchers.Count;
    }
}
