using System.Collections.Concurrent;
using System.Diagnostics;
using Cloudy.Contracts;

namespace Cloudy.EventBus.Dapr.Tests;

/// <summary>What handlers saw: the event and the trace it ran in.</summary>
internal sealed class EventSink
{
    public ConcurrentQueue<(IntegrationEvent Event, ActivityTraceId? TraceId)> Received { get; } = new();
}

internal sealed class RecordingAccountDeletedHandler(EventSink sink) : IEventHandler<AccountDeleted>
{
    public Task HandleAsync(AccountDeleted @event, CancellationToken cancellationToken)
    {
        sink.Received.Enqueue((@event, Activity.Current?.TraceId));
        return Task.CompletedTask;
    }
}

internal sealed class RecordingDeviceConnectedHandler(EventSink sink) : IEventHandler<DeviceConnected>
{
    public Task HandleAsync(DeviceConnected @event, CancellationToken cancellationToken)
    {
        sink.Received.Enqueue((@event, Activity.Current?.TraceId));
        return Task.CompletedTask;
    }
}

internal sealed class FailingDeviceRemovedHandler : IEventHandler<DeviceRemoved>
{
    public Task HandleAsync(DeviceRemoved @event, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("store unavailable");
}
