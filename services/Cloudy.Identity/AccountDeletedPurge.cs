using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.Identity.Storage;

namespace Cloudy.Identity;

/// <summary>
/// Identity's own consumer of <see cref="AccountDeleted"/>: the delete endpoint publishes before it
/// deletes, so if that deletion failed half-way through a request, this finishes it. Idempotent.
/// </summary>
internal sealed class AccountDeletedPurge(IdentityStore store) : IEventHandler<AccountDeleted>
{
    public Task HandleAsync(AccountDeleted @event, CancellationToken cancellationToken) =>
        Domain.RandomIds.IsValid(@event.AccountId, Domain.RandomIds.AccountIdBytes)
            ? store.DeleteAccountAsync(@event.AccountId)
            : Task.CompletedTask;
}
