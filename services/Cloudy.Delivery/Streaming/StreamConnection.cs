using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Http;
using Cloudy.Delivery.Mailbox;

namespace Cloudy.Delivery.Streaming;

/// <summary>
/// One device's stream. A pump sends the mailbox oldest first with at most <see cref="DeliveryOptions.MaxInFlight"/>
/// unacknowledged envelopes, then <c>queue-empty</c> once, then whatever new mail and live pushes arrive; a receive
/// loop applies the client's acks. Sends are serialized by a lock; the receive side is never cancelled (that would
/// abort the socket), so server-initiated closes send a close frame and wait briefly for the client's reply.
/// </summary>
internal sealed partial class StreamConnection(
    WebSocket socket, string account, int device, MailboxStore mailbox, DeliveryOptions options, ILogger logger)
{
    private const int MaxClientFrameBytes = 4 * 1024;
    private const int PageSize = 32;
    private static readonly TimeSpan _closeWait = TimeSpan.FromSeconds(2);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<StreamFrame> _pushes = Channel.CreateBounded<StreamFrame>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private long _cursor;
    private bool _drained;
    private WebSocketCloseStatus? _closeStatus;
    private string _closeReason = "bye";

    /// <summary>Connection id (random), part of the device's connection key.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>New mail may be waiting: run the pump.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>
    /// Queues a live-only frame (an ephemeral envelope or a presence change), never stored: dropped oldest-first
    /// if the client is far behind, because it is ephemeral.
    /// </summary>
    public void Push(StreamFrame frame)
    {
        _pushes.Writer.TryWrite(frame);
        Wake();
    }

    /// <summary>Ends the stream with <paramref name="status"/> (first request wins).</summary>
    public void RequestClose(WebSocketCloseStatus status, string reason)
    {
        lock (_gate)
        {
            if (_closeStatus is null)
            {
                _closeStatus = status;
                _closeReason = reason;
            }
        }

        _stop.Cancel();
    }

    /// <summary>
    /// Runs the stream until the client closes, the server asks it to close, or <paramref name="aborted"/>.
    /// <paramref name="heartbeat"/> runs every heartbeat interval; false means another connection took over.
    /// </summary>
    public async Task RunAsync(Func<Task<bool>> heartbeat, CancellationToken aborted)
    {
        using var abortRegistration = aborted.Register(() => _stop.Cancel());
        var receive = Task.Run(() => ReceiveLoopAsync(aborted), CancellationToken.None);
        var pump = Task.Run(() => PumpLoopAsync(_stop.Token), CancellationToken.None);
        var beat = Task.Run(() => HeartbeatLoopAsync(heartbeat, _stop.Token), CancellationToken.None);
        await Task.WhenAny(receive, pump, beat).ConfigureAwait(false);
        _stop.Cancel();
        await Task.WhenAll(Quietly(pump), Quietly(beat)).ConfigureAwait(false);

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived && !aborted.IsCancellationRequested)
        {
            await _sendLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                using var timeout = new CancellationTokenSource(_closeWait);
                await socket.CloseOutputAsync(_closeStatus ?? WebSocketCloseStatus.NormalClosure, _closeReason, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The client is gone; nothing to tell it.
            }
            finally
            {
                _sendLock.Release();
            }
        }

        if (await Task.WhenAny(receive, Task.Delay(_closeWait, CancellationToken.None)).ConfigureAwait(false) != receive)
        {
            socket.Abort();
        }

        await Quietly(receive).ConfigureAwait(false);
    }

    private async Task PumpLoopAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                while (_pushes.Reader.TryRead(out var live))
                {
                    await SendAsync(live, stop).ConfigureAwait(false);
                }

                await FillAsync(stop).ConfigureAwait(false);
                await _wake.Reader.ReadAsync(stop).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not WebSocketException)
        {
            LogPumpFailed(logger, ex);
            RequestClose(WebSocketCloseStatus.InternalServerError, "try again later");
        }
    }

    /// <summary>Sends stored envelopes after the cursor while fewer than MaxInFlight are unacknowledged.</summary>
    private async Task FillAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            int free;
            lock (_gate)
            {
                free = options.MaxInFlight - _inFlight.Count;
            }

            if (free <= 0)
            {
                // Acks wake the pump again; if nothing is left behind the window, the drain is complete already.
                if (!_drained && (await mailbox.ReadAsync(account, device, _cursor, 1).ConfigureAwait(false)).Count == 0)
                {
                    await MarkDrainedAsync(stop).ConfigureAwait(false);
                }

                return;
            }

            var want = Math.Min(free, PageSize);
            var page = await mailbox.ReadAsync(account, device, _cursor, want).ConfigureAwait(false);
            foreach (var entry in page)
            {
                lock (_gate)
                {
                    _inFlight.Add(entry.Envelope.Id);
                }

                _cursor = entry.Sequence;
                await SendAsync(new StreamFrame(FrameTypes.Envelope, entry.Envelope), stop).ConfigureAwait(false);
            }

            if (page.Count < want)
            {
                await MarkDrainedAsync(stop).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>Sends <c>queue-empty</c> once: everything stored at connect time has been sent.</summary>
    private async Task MarkDrainedAsync(CancellationToken stop)
    {
        if (!_drained)
        {
            _drained = true;
            await SendAsync(new StreamFrame(FrameTypes.QueueEmpty), stop).ConfigureAwait(false);
        }
    }

    private async Task HeartbeatLoopAsync(Func<Task<bool>> heartbeat, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (!await heartbeat().ConfigureAwait(false))
                {
                    RequestClose((WebSocketCloseStatus)StreamCloseCodes.Replaced, "replaced by a newer connection");
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPumpFailed(logger, ex);
            RequestClose(WebSocketCloseStatus.InternalServerError, "try again later");
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken aborted)
    {
        var buffer = new byte[MaxClientFrameBytes];
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    RequestClose(WebSocketCloseStatus.MessageTooBig, "client frames are limited to 4 KiB");
                    return;
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), aborted).ConfigureAwait(false);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    return;
                case WebSocketMessageType.Binary:
                    RequestClose(WebSocketCloseStatus.InvalidMessageType, "send JSON text frames");
                    return;
                default:
                    await HandleClientFrameAsync(buffer.AsMemory(0, length), aborted).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task HandleClientFrameAsync(ReadOnlyMemory<byte> json, CancellationToken aborted)
    {
        ClientFrame? frame;
        try
        {
            frame = JsonSerializer.Deserialize(json.Span, DeliveryJsonContext.Default.ClientFrame);
        }
        catch (JsonException)
        {
            frame = null;
        }

        if (frame is not { Type: FrameTypes.Ack } || !EnvelopeId.IsValid(frame.Id))
        {
            await SendAsync(new StreamFrame(FrameTypes.Error, Code: "bad-frame"), aborted).ConfigureAwait(false);
            return;
        }

        var deleted = await mailbox.AckAsync(account, device, frame.Id!).ConfigureAwait(false);
        lock (_gate)
        {
            _inFlight.Remove(frame.Id!);
        }

        if (!deleted)
        {
            await SendAsync(new StreamFrame(FrameTypes.Error, Id: frame.Id, Code: "unknown-envelope"), aborted).ConfigureAwait(false);
        }

        Wake();
    }

    private async Task SendAsync(StreamFrame frame, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(frame, DeliveryJsonContext.Default.StreamFrame);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Not cancellable mid-frame: a cancelled send would abort the socket instead of closing it.
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ChannelClosedException)
        {
            // The stream is ending; these are the expected ways for its loops to stop.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery stream failed; closing it")]
    private static partial void LogPumpFailed(ILogger logger, Exception error);
}
