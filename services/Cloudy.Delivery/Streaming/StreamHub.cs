using System.Collections.Concurrent;
using System.Text.Json;
using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Http;
using Cloudy.Delivery.Mailbox;
using StackExchange.Redis;

namespace Cloudy.Delivery.Streaming;

/// <summary>
/// The streams open on this instance, the subscriber of this instance's notification channel, and the one ticker that
/// drives every stream's heartbeat. It is a hosted service so the subscription exists before Kestrel accepts the first
/// stream.
/// </summary>
/// <remarks>
/// Why one ticker: a timer per stream fired each heartbeat on its own, so an idle node woke a thread-pool thread for
/// every stream every interval (at 12,000 idle streams, 400 separate wake-ups a second, most of the idle CPU). The
/// ticker runs <see cref="Slots"/> times per interval and beats the streams of one slot together, so their store
/// writes and announcements leave as one pipelined burst; every stream still beats once per interval.
/// </remarks>
internal sealed partial class StreamHub(IConnectionMultiplexer connection, Notifier notifier, DeliveryOptions options, ILogger<StreamHub> logger)
    : IHostedService, IDisposable
{
    /// <summary>Ticks per heartbeat interval.</summary>
    public const int Slots = 30;

    private static readonly TimeSpan _minTick = TimeSpan.FromMilliseconds(10);
    private readonly ConcurrentDictionary<string, StreamConnection> _connections = new(StringComparer.Ordinal);
    private Timer? _ticker;
    private long _tick;

    /// <summary>Streams currently open on this instance.</summary>
    public int Count => _connections.Count;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await connection.GetSubscriber().SubscribeAsync(DeliveryKeys.InstanceChannel(notifier.InstanceId), (_, message) => Dispatch(message))
            .ConfigureAwait(false);
        var tick = options.HeartbeatInterval / Slots;
        tick = tick < _minTick ? _minTick : tick;
        _ticker = new Timer(static state => ((StreamHub)state!).Tick(), this, tick, tick);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_ticker is { } ticker)
        {
            await ticker.DisposeAsync().ConfigureAwait(false);
        }

        await connection.GetSubscriber().UnsubscribeAsync(DeliveryKeys.InstanceChannel(notifier.InstanceId)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _ticker?.Dispose();

    /// <summary>
    /// Makes <paramref name="stream"/> reachable by notifications and gives it the slot that last ticked, so its first
    /// heartbeat comes about one interval after it opened.
    /// </summary>
    public void Register(StreamConnection stream)
    {
        stream.HeartbeatSlot = (int)(Volatile.Read(ref _tick) % Slots);
        _connections[stream.Id] = stream;
    }

    /// <summary>Forgets <paramref name="stream"/>.</summary>
    public void Unregister(StreamConnection stream) => _connections.TryRemove(stream.Id, out _);

    /// <summary>Beats the streams of the next slot (each beat runs on its own; a slow one never delays the others).</summary>
    private void Tick()
    {
        var slot = (int)(Interlocked.Increment(ref _tick) % Slots);
        foreach (var stream in _connections.Values)
        {
            if (stream.HeartbeatSlot == slot)
            {
                stream.Beat();
            }
        }
    }

    private void Dispatch(RedisValue message)
    {
        Notification? notification;
        try
        {
            notification = JsonSerializer.Deserialize((byte[])message!, DeliveryJsonContext.Default.Notification);
        }
        catch (JsonException)
        {
            LogBadNotification(logger);
            return;
        }

        // A notification for a connection that already ended (replaced, closed) is simply dropped.
        if (notification is null || !_connections.TryGetValue(notification.ConnectionId, out var stream))
        {
            return;
        }

        switch (notification.Kind)
        {
            case Notifier.Mail:
                stream.Wake();
                break;
            case Notifier.Push when notification.Envelope is { } envelope:
                stream.Push(new StreamFrame(FrameTypes.Envelope, envelope));
                break;
            case Notifier.Presence when notification.Presence is { } presence:
                stream.Push(new StreamFrame(FrameTypes.Presence, Presence: presence));
                break;
            case Notifier.Close:
                stream.RequestClose((System.Net.WebSockets.WebSocketCloseStatus)(notification.CloseCode ?? StreamCloseCodes.Replaced),
                    notification.CloseCode == StreamCloseCodes.DeviceRemoved ? "device removed" : "replaced by a newer connection");
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed delivery notification")]
    private static partial void LogBadNotification(ILogger logger);
}
