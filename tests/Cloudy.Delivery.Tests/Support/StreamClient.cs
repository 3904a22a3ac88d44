using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Cloudy.Delivery.Tests.Support;

/// <summary>A real WebSocket client of <c>/v1/stream</c> (System.Net.WebSockets over loopback TCP).</summary>
public sealed class StreamClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<JsonElement?> _frames = Channel.CreateUnbounded<JsonElement?>();
    private readonly Task _reader;

    private StreamClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>The socket (state, close status).</summary>
    public ClientWebSocket Socket => _socket;

    /// <summary>Connects with the token in the Authorization header, or in the query when <paramref name="viaQuery"/>.</summary>
    public static async Task<StreamClient> ConnectAsync(Uri baseAddress, string? token, bool viaQuery = false)
    {
        var socket = Create(baseAddress, token, viaQuery, out var uri);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(uri, timeout.Token);
        return new StreamClient(socket);
    }

    /// <summary>
    /// Connects over cleartext HTTP/2 (prior knowledge) with an extended CONNECT (RFC 8441), as the gateway does
    /// when its delivery cluster speaks HTTP/2; <paramref name="invoker"/> carries the HTTP/2 connection.
    /// </summary>
    public static async Task<StreamClient> ConnectHttp2Async(Uri baseAddress, string token, HttpMessageInvoker invoker)
    {
        var socket = Create(baseAddress, token, viaQuery: false, out var uri);
        socket.Options.HttpVersion = System.Net.HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(uri, invoker, timeout.Token);
        return new StreamClient(socket);
    }

    /// <summary>Tries to connect and returns the HTTP status of a refused handshake.</summary>
    public static async Task<System.Net.HttpStatusCode> RefusedStatusAsync(Uri baseAddress, string? token, bool viaQuery = false)
    {
        using var socket = Create(baseAddress, token, viaQuery, out var uri);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, timeout.Token));
        return socket.HttpStatusCode;
    }

    /// <summary>The next server frame, or null when the server closed the stream; fails after <paramref name="seconds"/>.</summary>
    public async Task<JsonElement?> ReceiveAsync(double seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await _frames.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The next frame, which must exist and have type <paramref name="type"/>.</summary>
    public async Task<JsonElement> ExpectAsync(string type, double seconds = 30)
    {
        var frame = await ReceiveAsync(seconds);
        Assert.True(frame.HasValue, $"The stream closed while a '{type}' frame was expected.");
        Assert.Equal(type, frame.Value.GetProperty("type").GetString());
        return frame.Value;
    }

    /// <summary>True when no frame arrives within <paramref name="milliseconds"/> (a frame that does arrive is consumed).</summary>
    public async Task<bool> QuietForAsync(int milliseconds)
    {
        await Task.Delay(milliseconds);
        return !_frames.Reader.TryPeek(out _);
    }

    /// <summary>Sends a raw text frame.</summary>
    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Acknowledges an envelope.</summary>
    public Task AckAsync(string envelopeId) => SendTextAsync($"{{\"type\":\"ack\",\"id\":\"{envelopeId}\"}}");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
                await _reader.WaitAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException)
            {
                // Closing is best effort in tests.
            }
        }

        _socket.Dispose();
        await _reader;
    }

    private static ClientWebSocket Create(Uri baseAddress, string? token, bool viaQuery, out Uri uri)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var builder = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/v1/stream" };
        if (token is not null && viaQuery)
        {
            builder.Query = "access_token=" + Uri.EscapeDataString(token);
        }
        else if (token is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }

        uri = builder.Uri;
        return socket;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                _frames.Writer.TryWrite(JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone());
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Aborted or disposed: the stream is over.
        }

        _frames.Writer.TryWrite(null);
    }
}
