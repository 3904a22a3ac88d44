using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.Presence.Storage;
using Cloudy.Store;

namespace Cloudy.Presence.Handlers;

/// <summary>
/// Presence's part of account deletion beyond the shared <c>pr:{account}*</c> purge (which runs in the same group):
/// removes the account from the sweep index (the one key not under its hash tag) and leaves a tombstone for
/// <see cref="PresenceOptions.TombstoneTtl"/>, so a connection event still in flight cannot recreate its keys.
/// Idempotent.
/// </summary>
internal sealed class AccountDeletedForget(PresenceStore store) : IEventHandler<AccountDeleted>
{
    public Task HandleAsync(AccountDeleted @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return KeySpace.IsValidAccountId(@event.AccountId) ? store.ForgetAsync(@event.AccountId) : Task.CompletedTask;
    }
}
