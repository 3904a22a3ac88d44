using Cloudy.Presence.Storage;

namespace Cloudy.Presence.Domain;

/// <summary>
/// The presence projection: applies connection events and lapsed heartbeats to the store, and has watchers told
/// when an account's state flips. Event times come from the events (clamped to now), so a redelivered or lagging
/// event cannot keep a device online longer than one heartbeat TTL after it was sent.
/// </summary>
internal sealed class PresenceTracker(PresenceStore store, PresencePublisher publisher, PresenceOptions options, TimeProvider time)
{
    /// <summary>A device announced (or re-announced, as its heartbeat) a live stream on <paramref name="instance"/>.</summary>
    public async Task ConnectedAsync(string account, int device, string instance, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expiry = Clamp(occurredAt, now) + options.HeartbeatTtl;
        if (expiry <= now)
        {
            return;   // older than one TTL: that heartbeat has lapsed already, it proves nothing about now
        }

        var transition = await store.ConnectedAsync(account, device, instance, expiry.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds())
            .ConfigureAwait(false);
        await PublishIfFlippedAsync(account, transition, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A device's stream on <paramref name="instance"/> closed; last seen is the (rounded) time it closed.</summary>
    public async Task DisconnectedAsync(string account, int device, string instance, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var seen = LastSeen.Round(Clamp(occurredAt, now).ToUnixTimeMilliseconds(), options.LastSeenPrecision);
        var transition = await store.DisconnectedAsync(account, device, instance, seen, now.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        await PublishIfFlippedAsync(account, transition, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One sweeper pass over at most <paramref name="take"/> accounts whose earliest heartbeat lapsed; returns how many it examined.</summary>
    public async Task<int> SweepAsync(int take, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = await store.DueAsync(now, take).ConfigureAwait(false);
        foreach (var (account, indexed) in due)
        {
            if (!Cloudy.Store.KeySpace.IsValidAccountId(account))
            {
                await store.UnindexAsync(account).ConfigureAwait(false);   // not ours (the handlers validate ids): drop it
                continue;
            }

            var transition = await store.SweepAsync(account, indexed, now).ConfigureAwait(false);
            await PublishIfFlippedAsync(account, transition, cancellationToken).ConfigureAwait(false);
        }

        return due.Count;
    }

    private Task PublishIfFlippedAsync(string account, Transition transition, CancellationToken cancellationToken) =>
        transition.Flipped ? publisher.PublishCurrentAsync(account, cancellationToken) : Task.CompletedTask;

    private static DateTimeOffset Clamp(DateTimeOffset occurredAt, DateTimeOffset now) => occurredAt > now ? now : occurredAt;
}
