using System.Net.WebSockets;
using System.Text.Json;
using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Http;
using Cloudy.Delivery.Mailbox;

namespace Cloudy.Delivery.Streaming;

/// <summary>
/// One device's stream. A pump sends the mailbox oldest first with at most <see cref="DeliveryOptions.MaxInFlight"/>
/// unacknowledged envelopes, then <c>queue-empty</c> once, then whatever new mail and live pushes arrive; the receive
/// loop applies the client's acks. Sends are serialized by a lock; the receive side is never cancelled (that would
/// abort the socket), so server-initiated closes send a close frame and wait briefly for the client's reply.
/// </summary>
/// <remarks>
/// Built to cost little while idle, because a node holds many idle streams: the receive loop waits with a zero-byte
/// read and rents its frame buffer only while a frame is arriving; the pump is not a loop but runs on demand (a ring,
/// a push, an ack that frees the window) and ends when there is nothing to send; heartbeats come from the hub's one
/// shared ticker (<see cref="StreamHub"/>), not from a timer per stream.
/// Acks that arrive together are sent to the store back to back (one pipelined write) and wake the pump once.
/// </remarks>
internal sealed partial class StreamConnection(
    WebSocket socket, string account, int device, MailboxStore mailbox, DeliveryOptions options, ILogger logger)
{
    private const int MaxClientFrameBytes = 4 * 1024;
    private const int PageSize = 32;
    private const int MaxPushes = 256;
    private const int MaxAckBatch = 64;
    private static readonly TimeSpan _closeWait = TimeSpan.FromSeconds(2);

    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Id, Task<bool> Deleted)> _acks = [];
    private Queue<StreamFrame>? _pushes;   // live-only frames; created on the first push (most streams never get one)
    private Func<Task<bool>>? _heartbeat;
    private Task _pump = Task.CompletedTask;
    private Task _beat = Task.CompletedTask;
    private bool _started;       // RunAsync began: before that, wakes and pushes only wait for its first pump pass
    private int _pumping;        // 1 while a pump pass runs (or after it failed: no more passes)
    private int _mailPending;    // 1 when the mailbox may hold envelopes after the cursor
    private int _beating;        // 1 while a heartbeat runs (a slow store must not stack them up)
    private bool _windowFull;    // the last fill stopped at MaxInFlight with envelopes left behind the window
    private long _cursor;
    private bool _drained;
    private WebSocketCloseStatus? _closeStatus;
    private string _closeReason = "bye";

    /// <summary>Connection id (random), part of the device's connection key.</summary>
    public string Id { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Which of the hub's ticks beats this stream (set by <see cref="StreamHub.Register"/>).</summary>
    public int HeartbeatSlot { get; set; }

    /// <summary>New mail may be waiting: run the pump.</summary>
    public void Wake()
    {
        Volatile.Write(ref _mailPending, 1);
        Schedule();
    }

    /// <summary>
    /// Queues a live-only frame (an ephemeral envelope or a presence change), never stored: dropped oldest-first
    /// if the client is far behind, because it is ephemeral.
    /// </summary>
    public void Push(StreamFrame frame)
    {
        lock (_gate)
        {
            _pushes ??= new Queue<StreamFrame>();
            if (_pushes.Count == MaxPushes)
            {
                _pushes.Dequeue();
            }

            _pushes.Enqueue(frame);
        }

        Schedule();
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

        Stop();
    }

    /// <summary>
    /// Runs the stream until the client closes, the server asks it to close, or <paramref name="aborted"/>.
    /// <paramref name="heartbeat"/> runs every heartbeat interval; false means another connection took over.
    /// </summary>
    public async Task RunAsync(Func<Task<bool>> heartbeat, CancellationToken aborted)
    {
        _heartbeat = heartbeat;
        using var abortRegistration = aborted.Register(static state => ((StreamConnection)state!).Stop(), this);
        Volatile.Write(ref _started, true);
        Wake();   // the drain
        var receive = ReceiveLoopAsync(aborted);
        await Task.WhenAny(receive, _stopped.Task).ConfigureAwait(false);
        Stop();
        // No beat starts after Stop (Beat checks it before taking the flag); taking the flag here waits out one in
        // progress, so the beat awaited below is the last one.
        while (Interlocked.CompareExchange(ref _beating, 1, 0) != 0)
        {
            await Task.Delay(1, CancellationToken.None).ConfigureAwait(false);
        }

        await Task.WhenAll(Quietly(Volatile.Read(ref _pump)), Quietly(Volatile.Read(ref _beat))).ConfigureAwait(false);
        await CloseAsync(aborted).ConfigureAwait(false);

        if (await Task.WhenAny(receive, Task.Delay(_closeWait, CancellationToken.None)).ConfigureAwait(false) != receive)
        {
            socket.Abort();
        }

        await Quietly(receive).ConfigureAwait(false);
    }

    private void Stop()
    {
        _stopped.TrySetResult();
        _stop.Cancel();
    }

    /// <summary>Sends the close frame unless the client already closed or the connection was aborted.</summary>
    private async Task CloseAsync(CancellationToken aborted)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived) || aborted.IsCancellationRequested)
        {
            return;
        }

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

    /// <summary>Starts a pump pass unless one is running (that one will see the new work before it ends).</summary>
    private void Schedule()
    {
        if (Volatile.Read(ref _started) && !_stop.IsCancellationRequested && Interlocked.CompareExchange(ref _pumping, 1, 0) == 0)
        {
            Volatile.Write(ref _pump, Task.Run(PumpAsync));
        }
    }

    private bool HasPushes()
    {
        lock (_gate)
        {
            return _pushes is { Count: > 0 };
        }
    }

    private bool TryTakePush(out StreamFrame frame)
    {
        lock (_gate)
        {
            if (_pushes is { Count: > 0 })
            {
                frame = _pushes.Dequeue();
                if (_pushes.Count == 0)
                {
                    _pushes = null;   // an idle stream keeps no queue
                }

                return true;
            }
        }

        frame = null!;
        return false;
    }

    private async Task PumpAsync()
    {
        var stop = _stop.Token;
        try
        {
            do
            {
                var mail = Interlocked.Exchange(ref _mailPending, 0) == 1;
                while (TryTakePush(out var live))
                {
                    await SendAsync(live, stop).ConfigureAwait(false);
                }

                if (mail)
                {
                    await FillAsync(stop).ConfigureAwait(false);
                }

                // Release, then look again: a Wake or Push that found the pump busy relies on this second look.
                Interlocked.Exchange(ref _pumping, 0);
            }
            while (!stop.IsCancellationRequested && (Volatile.Read(ref _mailPending) == 1 || HasPushes())
                && Interlocked.CompareExchange(ref _pumping, 1, 0) == 0);
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
                // Set before the acks that free the window can run, so each of them knows to wake the pump.
                _windowFull = free <= 0;
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
                lock (_gate)
                {
                    _windowFull = false;
                }

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

    /// <summary>
    /// One heartbeat, called by the hub's ticker: renews the connection key and re-announces the device. At most one at a
    /// time (a slow store must not stack them up), none before <see cref="RunAsync"/> began or after the stream stopped.
    /// </summary>
    public void Beat()
    {
        if (!Volatile.Read(ref _started) || _stop.IsCancellationRequested || Interlocked.CompareExchange(ref _beating, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _beat, BeatAsync());
    }

    private async Task BeatAsync()
    {
        try
        {
            if (!await _heartbeat!().ConfigureAwait(false))
            {
                RequestClose((WebSocketCloseStatus)StreamCloseCodes.Replaced, "replaced by a newer connection");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPumpFailed(logger, ex);
            RequestClose(WebSocketCloseStatus.InternalServerError, "try again later");
        }
        finally
        {
            Volatile.Write(ref _beating, 0);
        }
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
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The stream is ending; these are the expected ways for its loops to stop.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery stream failed; closing it")]
    private static partial void LogPumpFailed(ILogger logger, Exception error);
}
