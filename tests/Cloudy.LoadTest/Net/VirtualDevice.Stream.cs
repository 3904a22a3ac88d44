using System.Buffers;
using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text.Json;
using Cloudy.Client.Wire;
using Cloudy.LoadTest.Metrics;

namespace Cloudy.LoadTest.Net;

/// <summary>The receiving half of a virtual device: its <c>/v1/stream</c> read loop, delivery tracking and acks.</summary>
internal sealed partial class VirtualDevice
{
    private async Task ReceiveLoopAsync(ClientWebSocket socket, int bufferBytes)
    {
        var buffer = new byte[bufferBytes];
        var large = new ArrayBufferWriter<byte>(bufferBytes);
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                ReadOnlyMemory<byte> frame = buffer.AsMemory(0, result.Count);
                if (!result.EndOfMessage)
                {
                    // A frame larger than one read (or split by TCP): gather it; the common small frame is parsed in place.
                    large.ResetWrittenCount();
                    large.Write(frame.Span);
                    do
                    {
                        result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            return;
                        }

                        large.Write(buffer.AsSpan(0, result.Count));
                    }
                    while (!result.EndOfMessage);
                    frame = large.WrittenMemory;
                }

                if (_messenger is not null)
                {
                    await HandleProtocolFrameAsync(socket, frame);
                }
                else if (Track(frame.Span))
                {
                    await SendAckAsync(socket, _ack.WrittenMemory);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Connection gone: unacked envelopes come again on the next connection (at-least-once).
        }
    }

    /// <summary>
    /// Records one opaque frame: reads only the 24-byte tracking header out of the content (32 base64url characters)
    /// and, for a stored envelope, writes its ack into <see cref="_ack"/>. Returns whether an ack must be sent.
    /// </summary>
    private bool Track(ReadOnlySpan<byte> json)
    {
        ScannedFrame frame;
        try
        {
            frame = StreamFrames.Scan(json);
        }
        catch (JsonException)
        {
            return false; // not a frame we understand: ignored, as a client ignores unknown frames
        }

        if (frame.Kind == FrameKind.QueueEmpty)
        {
            _queueEmpty.TrySetResult();
            return false;
        }

        if (frame.Kind != FrameKind.Envelope || frame.Id.IsEmpty)
        {
            return false;
        }

        Interlocked.Increment(ref Received);
        Span<byte> head = stackalloc byte[Payload.HeaderBytes];
        _tracker.MarkDelivered(head[..StreamFrames.DecodeHead(frame.Content, head)], _clock.NowMicros);
        if (frame.Ephemeral)
        {
            return false;
        }

        StreamFrames.WriteAck(frame.Id, _ack, _ackWriter);
        return true;
    }

    /// <summary>With <c>--protocol</c>: the full envelope goes through the Messenger, which decrypts it before it is counted.</summary>
    private async Task HandleProtocolFrameAsync(ClientWebSocket socket, ReadOnlyMemory<byte> json)
    {
        var frame = JsonSerializer.Deserialize(json.Span, LoadJsonContext.Default.StreamFrame);
        if (frame?.Type == "queue-empty")
        {
            _queueEmpty.TrySetResult();
            return;
        }

        if (frame?.Type != "envelope" || frame.Envelope is not { } envelope)
        {
            return;
        }

        Interlocked.Increment(ref Received);
        var incoming = await _messenger!.DecryptAsync(envelope);
        if (incoming.Content?.Text is { } text)
        {
            _tracker.MarkDecrypted();
            _tracker.MarkDelivered(Base64Url.DecodeFromChars(text), _clock.NowMicros);
        }

        if (!incoming.ShouldAck || envelope.Ephemeral)
        {
            return;
        }

        await SendAckAsync(socket, JsonSerializer.SerializeToUtf8Bytes(new ClientFrame("ack", envelope.Id), LoadJsonContext.Default.ClientFrame));
    }

    private async Task SendAckAsync(ClientWebSocket socket, ReadOnlyMemory<byte> ack)
    {
        await _sendLock.WaitAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(ack, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
