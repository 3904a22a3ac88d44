using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Http;

namespace Cloudy.Delivery.Streaming;

/// <summary>
/// The receive side of a stream: client frames (acks only) read with a zero-byte wait and a rented buffer, and acks
/// applied in batches: those that arrived together go to the store back to back and wake the pump once.
/// </summary>
internal sealed partial class StreamConnection
{
    private async Task ReceiveLoopAsync(CancellationToken aborted)
    {
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            // Wait for the next frame without a buffer: an idle stream holds none. Acks read so far are applied
            // before waiting, so acks that arrived together go to the store together.
            var next = socket.ReceiveAsync(Memory<byte>.Empty, aborted);
            if (!next.IsCompleted || _acks.Count >= MaxAckBatch)
            {
                await ApplyAcksAsync(aborted).ConfigureAwait(false);
            }

            var head = await next.ConfigureAwait(false);
            switch (head.MessageType)
            {
                case WebSocketMessageType.Close:
                    await ApplyAcksAsync(aborted).ConfigureAwait(false);
                    return;
                case WebSocketMessageType.Binary:
                    await ApplyAcksAsync(aborted).ConfigureAwait(false);
                    RequestClose(WebSocketCloseStatus.InvalidMessageType, "send JSON text frames");
                    return;
            }

            if (!await ReadFrameAsync(head, aborted).ConfigureAwait(false))
            {
                await ApplyAcksAsync(aborted).ConfigureAwait(false);
                RequestClose(WebSocketCloseStatus.MessageTooBig, "client frames are limited to 4 KiB");
                return;
            }
        }

        await ApplyAcksAsync(aborted).ConfigureAwait(false);
    }

    /// <summary>Reads the rest of a text frame into a rented buffer and handles it; false when it exceeds 4 KiB.</summary>
    private async Task<bool> ReadFrameAsync(ValueWebSocketReceiveResult head, CancellationToken aborted)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxClientFrameBytes);
        try
        {
            var length = 0;
            var result = head;
            while (!result.EndOfMessage)
            {
                if (length == MaxClientFrameBytes)
                {
                    return false;
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length, MaxClientFrameBytes - length), aborted).ConfigureAwait(false);
                length += result.Count;
            }

            await HandleClientFrameAsync(buffer.AsSpan(0, length), aborted).ConfigureAwait(false);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task HandleClientFrameAsync(ReadOnlySpan<byte> json, CancellationToken aborted)
    {
        ClientFrame? frame;
        try
        {
            frame = JsonSerializer.Deserialize(json, DeliveryJsonContext.Default.ClientFrame);
        }
        catch (JsonException)
        {
            frame = null;
        }

        if (frame is not { Type: FrameTypes.Ack } || !EnvelopeId.IsValid(frame.Id))
        {
            return RefuseAsync(aborted);
        }

        // Not awaited here: the multiplexer pipelines this with the other acks of the batch.
        _acks.Add((frame.Id!, mailbox.AckAsync(account, device, frame.Id!)));
        return Task.CompletedTask;
    }

    /// <summary>Answers <c>bad-frame</c>, after the errors of earlier acks so the client sees them in order.</summary>
    private async Task RefuseAsync(CancellationToken aborted)
    {
        await ApplyAcksAsync(aborted).ConfigureAwait(false);
        await SendAsync(new StreamFrame(FrameTypes.Error, Code: "bad-frame"), aborted).ConfigureAwait(false);
    }

    /// <summary>Waits for the batch's store calls, frees their window slots, answers unknown ids, wakes the pump once.</summary>
    private async Task ApplyAcksAsync(CancellationToken aborted)
    {
        if (_acks.Count == 0)
        {
            return;
        }

        var freed = false;
        try
        {
            foreach (var (id, deleted) in _acks)
            {
                var known = await deleted.ConfigureAwait(false);
                lock (_gate)
                {
                    freed |= _inFlight.Remove(id);
                }

                if (!known)
                {
                    await SendAsync(new StreamFrame(FrameTypes.Error, Id: id, Code: "unknown-envelope"), aborted).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _acks.Clear();
        }

        bool refill;
        lock (_gate)
        {
            refill = freed && _windowFull;
            if (_inFlight.Count == 0 && _inFlight.EnsureCapacity(0) > PageSize)
            {
                _inFlight.TrimExcess();   // an idle stream should not keep the tables of its last burst
            }
        }

        // Only a window that stopped short of the mailbox's end needs another read; new mail rings by itself.
        if (refill)
        {
            Wake();
        }
    }
}
