using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Cloudy.EventBus.Kafka;

/// <summary>Log messages of the Kafka adapter. Never logs keys, bodies or credentials.</summary>
internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka consumer for group {Group} on {Topic} started")]
    public static partial void ConsumerStarted(ILogger logger, string group, string topic);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka consumer for group {Group} on {Topic} stopped")]
    public static partial void ConsumerStopped(ILogger logger, string group, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka consume error for group {Group} on {Topic}: {Reason}")]
    public static partial void ConsumeError(ILogger logger, string group, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Group {Group} skips event type {EventType} at {Topic} [{Partition}] @{Offset}")]
    public static partial void Skipped(ILogger logger, string group, string? eventType, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler of group {Group} failed on event {EventId} ({EventType}), attempt {Attempt}")]
    public static partial void HandlerFailed(ILogger logger, Exception error, string group, string eventId, string eventType, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Group {Group} dead-lettered {Topic} [{Partition}] @{Offset} after {Attempts} attempt(s): {Error}")]
    public static partial void DeadLettered(ILogger logger, string group, string topic, int partition, long offset, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write dead letter for {Topic} [{Partition}] @{Offset}; retrying")]
    public static partial void DeadLetterFailed(ILogger logger, Exception error, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store offset {Offset} of {Topic} [{Partition}] (partition revoked?): {Reason}")]
    public static partial void StoreOffsetFailed(ILogger logger, string topic, int partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group} partitions {Change}: {Partitions}")]
    public static partial void Rebalanced(ILogger logger, string group, string change, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "librdkafka {Facility}: {Message}")]
    public static partial void ClientWarning(ILogger logger, string facility, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kafka client error ({Code}, fatal: {Fatal}): {Reason}")]
    public static partial void ClientError(ILogger logger, ErrorCode code, bool fatal, string reason);
}
