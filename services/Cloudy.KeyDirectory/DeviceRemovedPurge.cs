using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.KeyDirectory.Storage;
using Cloudy.Store;

namespace Cloudy.KeyDirectory;

/// <summary>
/// Consumer of identity's <see cref="DeviceRemoved"/> (group <c>key-directory</c>): deletes the device's
/// keys so nobody can start a session with a removed device. Idempotent, so redelivery is harmless.
/// </summary>
internal sealed partial class DeviceRemovedPurge(KeyStore store, ILogger<DeviceRemovedPurge> logger) : IEventHandler<DeviceRemoved>
{
    public async Task HandleAsync(DeviceRemoved @event, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(@event);
        if (!KeySpace.IsValidAccountId(@event.AccountId) || @event.DeviceId < 1)
        {
            // Could never have keys here, and retrying would not change that.
            LogInvalid(logger, @event.EventId);
            return;
        }

        var deleted = await store.DeleteDeviceAsync(@event.AccountId, @event.DeviceId).ConfigureAwait(false);
        LogPurged(logger, @event.EventId, @event.DeviceId, deleted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DeviceRemoved {EventId}: purged {Count} key-directory keys of device {DeviceId}")]
    private static partial void LogPurged(ILogger logger, string eventId, int deviceId, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DeviceRemoved {EventId} names an account or device that cannot have keys; ignored")]
    private static partial void LogInvalid(ILogger logger, string eventId);
}
