using Cloudy.Contracts;
using Cloudy.Delivery.Streaming;
using Cloudy.EventBus;
using Cloudy.Store;

namespace Cloudy.Delivery.Mailbox;

/// <summary>Projects <see cref="AccountCreated"/> (device 1) into delivery's device registry.</summary>
internal sealed class AccountCreatedProjection(DeviceRegistry registry) : IEventHandler<AccountCreated>
{
    /// <inheritdoc />
    public Task HandleAsync(AccountCreated @event, CancellationToken cancellationToken) =>
        KeySpace.IsValidAccountId(@event.AccountId) && @event.DeviceId > 0
            ? registry.LinkAsync(@event.AccountId, @event.DeviceId, @event.OccurredAt)
            : Task.CompletedTask;   // not an id we could key; retrying would never succeed
}

/// <summary>Projects <see cref="DeviceLinked"/> into delivery's device registry.</summary>
internal sealed class DeviceLinkedProjection(DeviceRegistry registry) : IEventHandler<DeviceLinked>
{
    /// <inheritdoc />
    public Task HandleAsync(DeviceLinked @event, CancellationToken cancellationToken) =>
        KeySpace.IsValidAccountId(@event.AccountId) && @event.DeviceId > 0
            ? registry.LinkAsync(@event.AccountId, @event.DeviceId, @event.OccurredAt)
            : Task.CompletedTask;
}

/// <summary>
/// On <see cref="DeviceRemoved"/>: unregisters the device, purges its mailbox and closes its live stream
/// (close code <see cref="StreamCloseCodes.DeviceRemoved"/>). Idempotent.
/// </summary>
internal sealed class DeviceRemovedPurge(DeviceRegistry registry, Notifier notifier) : IEventHandler<DeviceRemoved>
{
    /// <inheritdoc />
    public async Task HandleAsync(DeviceRemoved @event, CancellationToken cancellationToken)
    {
        if (!KeySpace.IsValidAccountId(@event.AccountId) || @event.DeviceId <= 0)
        {
            return;
        }

        var connection = await registry.RemoveAsync(@event.AccountId, @event.DeviceId, @event.OccurredAt).ConfigureAwait(false);
        await notifier.CloseAsync(connection, @event.AccountId, @event.DeviceId, StreamCloseCodes.DeviceRemoved).ConfigureAwait(false);
    }
}
