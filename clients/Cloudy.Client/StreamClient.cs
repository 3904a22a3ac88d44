using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Cloudy.Client.Wire;

namespace Cloudy.Client;

/// <summary>
/// The device's WebSocket (<c>/v1/stream</c>): the server drains the mailbox oldest first, sends
/// <c>queue-empty</c>, then pushes live envelopes; the client acks each stored envelope once it is processed.
/// </summary>
public sealed class StreamClient : IAsyncDisposable
{
    private const int MaxFrameBytes = 1024 * 1024;
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private StreamClient(ClientWebSocket socket) => _socket = socket;

    /// <summary>True while the socket is open.</summary>
    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>The close status the server sent (e.g. 4000 when another connection of this device replaced this one).</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Connects as <paramref name="identity"/>'s device (bearer token in the handshake header).</summary>
    public static async Task<StreamClient> ConnectAsync(IdentityClient identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var baseAddress = identity.Http.BaseAddress ?? throw new InvalidOperationException("The HttpClient needs a BaseAddress.");
        var builder = new UriBuilder(new Uri(baseAddress, "v1/stream"))
        {
            Scheme = baseAddress.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
        };
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + await identity.GetTokenAsync(cancellationToken));
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        try
        {
            await socket.ConnectAsync(builder.Uri, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new StreamClient(socket);
    }

    /// <summary>
    /// Frames from the server until it closes the stream. <paramref name="cancellationToken"/> asks for a polite
    /// close instead of aborting the socket: an abort resets the connection, and the server could then lose acks
    /// it had not read yet (those envelopes would simply be delivered again, but that is noise). The close is sent
    /// only while this waits for the server, never while the caller holds a frame, so the caller can still ack it.
    /// </summary>
    public async IAsyncEnumerable<StreamFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            message.SetLength(0);
            ValueWebSocketReceiveResult result;
            // Registered per frame (runs at once if already cancelled): a close sent while the caller processes the
            // previous frame would make its ack fail (CloseSent) and that envelope come again.
            using (cancellationToken.Register(() => _ = CloseAsync()))
            {
                do
                {
                    try
                    {
                        result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    }
                    catch (WebSocketException)
                    {
                        yield break; // the connection dropped: the caller reconnects and the mailbox is drained again
                    }

                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        yield break;
                    }

                    message.Write(buffer, 0, result.Count);
                    if (message.Length > MaxFrameBytes)
                    {
                        throw new InvalidDataException("Stream frame too large.");
                    }
                }
                while (!result.EndOfMessage);
            }

            // Frames that arrive after we asked to close are not handed out: their envelopes stay unacked and come again.
            if (!cancellationToken.IsCancellationRequested && _socket.State == WebSocketState.Open
                && JsonSerializer.Deserialize(message.GetBuffer().AsSpan(0, (int)message.Length), ClientJsonContext.Default.StreamFrame) is { } frame)
            {
                yield return frame;
            }
        }
    }

    /// <summary>Sends a close frame (the server answers with its own, ending <see cref="ReadFramesAsync"/>); aborts if it does not within 3 s.</summary>
    public async Task CloseAsync()
    {
        await _sendLock.WaitAsync();
        try
        {
            if (_socket.State != WebSocketState.Open)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Already gone.
        }
        finally
        {
            _sendLock.Release();
        }

        _ = Task.Delay(TimeSpan.FromSeconds(3)).ContinueWith(_ =>
        {
            if (_socket.State != WebSocketState.Closed)
            {
                _socket.Abort();
            }
        }, TaskScheduler.Default);
    }

    /// <summary>Acknowledges an envelope: the server deletes it from my mailbox.</summary>
    public async Task AckAsync(string envelopeId, CancellationToken cancellationToken = default)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new ClientFrame("ack", envelopeId), ClientJsonContext.Default.ClientFrame);
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Closes the stream politely (best effort) and releases the socket.</summary>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        _socket.Dispose();
    }
}
