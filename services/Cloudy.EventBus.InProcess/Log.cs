using Microsoft.Extensions.Logging;

namespace Cloudy.EventBus.InProcess;

/// <summary>Log messages of the in-process adapter. Never logs keys or event bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "In-process bus worker for group {Group} on {Topic} started; {Recovered} in-flight event(s) recovered")]
    public static partial void WorkerStarted(ILogger logger, string group, string topic, int recovered);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler of group {Group} failed on event {EventId} ({EventType}), attempt {Attempt}")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string group, string eventId, string eventType, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Group {Group} dead-lettered an event from {Topic} after {Attempts} attempt(s): {Error}")]
    public static partial void DeadLettered(ILogger logger, string group, string topic, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Store unavailable for the bus worker of group {Group} on {Topic}; retrying")]
    public static partial void StoreUnavailable(ILogger logger, Exception error, string group, string topic);
}
