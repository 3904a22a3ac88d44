using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.Presence.Domain;
using Cloudy.Store;

namespace Cloudy.Presence.Handlers;

/// <summary>
/// Applies delivery's connection events to the presence projection: <see cref="DeviceConnected"/> (first connect
/// and every heartbeat) and <see cref="DeviceDisconnected"/>. A malformed event is logged and skipped, because
/// retrying it can never succeed.
/// </summary>
internal sealed partial class ConnectionEventsHandler(PresenceTracker tracker, ILogger<ConnectionEventsHandler> logger)
    : IEventHandler<DeviceConnected>, IEventHandler<DeviceDisconnected>
{
    public Task HandleAsync(DeviceConnected @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return IsUsable(@event.AccountId, @event.DeviceId, @event.InstanceId, @event)
            ? tracker.ConnectedAsync(@event.AccountId, @event.DeviceId, @event.InstanceId, @event.OccurredAt, cancellationToken)
            : Task.CompletedTask;
    }

    public Task HandleAsync(DeviceDisconnected @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return IsUsable(@event.AccountId, @event.DeviceId, @event.InstanceId, @event)
            ? tracker.DisconnectedAsync(@event.AccountId, @event.DeviceId, @event.InstanceId, @event.OccurredAt, cancellationToken)
            : Task.CompletedTask;
    }

    /// <summary>Only well-formed ids may reach store keys (device ids 1-127 as identity allocates them).</summary>
    private bool IsUsable(string? account, int device, string? instance, IntegrationEvent @event)
    {
        var usable = KeySpace.IsValidAccountId(account) && device is >= 1 and <= 127
            && !string.IsNullOrEmpty(instance) && instance.Length <= 128;
        if (!usable)
        {
            LogIgnored(logger, @event.GetType().Name, @event.EventId);
        }

        return usable;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{EventType} {EventId} is malformed; ignored")]
    private static partial void LogIgnored(ILogger logger, string eventType, string eventId);
}
