using Cloudy.Contracts;
using Cloudy.EventBus;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Cloudy.Store;

/// <summary>
/// The <see cref="AccountDeleted"/> consumer of a service that keeps per-account keys: deletes every
/// <c>prefix{account}…</c> key of that service. Idempotent, so redelivery is harmless. Each service
/// derives its own (sealed) handler so its subscription has a distinct handler type and consumer group.
/// </summary>
public abstract partial class AccountDeletedKeyPurge(IConnectionMultiplexer store, KeySpace keySpace, ILogger logger)
    : IEventHandler<AccountDeleted>
{
    /// <inheritdoc />
    public async Task HandleAsync(AccountDeleted @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (!KeySpace.IsValidAccountId(@event.AccountId))
        {
            // Not an id we could have stored keys for; retrying would never succeed.
            LogInvalidAccountId(logger, @event.EventId, keySpace.Prefix);
            return;
        }

        var deleted = await store.DeleteAccountKeysAsync(keySpace, @event.AccountId, cancellationToken).ConfigureAwait(false);
        LogPurged(logger, deleted, keySpace.Prefix, @event.EventId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "AccountDeleted {EventId}: purged {Count} '{Prefix}' keys")]
    private static partial void LogPurged(ILogger logger, long count, string prefix, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "AccountDeleted {EventId} has an account id that cannot be a '{Prefix}' key; ignored")]
    private static partial void LogInvalidAccountId(ILogger logger, string eventId, string prefix);
}
