using System.Buffers;
using System.Buffers.Text;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cloudy.Client;
using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Client.Wire;
using Cloudy.Contracts.Delivery;
using Cloudy.LoadTest.Metrics;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Stores;

namespace Cloudy.LoadTest.Net;

/// <summary>
/// One simulated device, using the public API exactly as a client does: account creation with an Ed25519
/// device key, challenge–response login, sends with <see cref="MessagesClient"/>, and a <c>/v1/stream</c>
/// WebSocket that acks every stored envelope. The stream is opened with our own socket handler (bound to a
/// chosen 127.x source address) but speaks the documented frame protocol (docs/api-delivery.md).
/// </summary>
internal sealed class VirtualDevice : IAsyncDisposable
{
    private readonly HttpMessageInvoker _invoker;
    private readonly MessageTracker _tracker;
    private readonly RunClock _clock;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private ClientWebSocket? _socket;
    private Task? _receiving;
    private readonly Messenger? _messenger;
    private TaskCompletionSource _queueEmpty = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private VirtualDevice(IdentityClient identity, Messenger? messenger, HttpMessageInvoker invoker, MessageTracker tracker, RunClock clock)
    {
        Identity = identity;
        _messenger = messenger;
        Messages = new MessagesClient(identity);
        _invoker = invoker;
        _tracker = tracker;
        _clock = clock;
    }

    /// <summary>The device's identity client (token cache).</summary>
    public IdentityClient Identity { get; }

    /// <summary>Its send client.</summary>
    public MessagesClient Messages { get; }

    /// <summary>The account id.</summary>
    public string AccountId => Identity.Device!.AccountId;

    /// <summary>Envelopes received (including duplicates and unknown ones).</summary>
    public long Received;

    /// <summary>True while the stream is open.</summary>
    public bool IsConnected => _socket?.State == WebSocketState.Open;

    /// <summary>Completes when the server sent <c>queue-empty</c> on the current connection.</summary>
    public Task QueueEmpty => _queueEmpty.Task;

    /// <summary>
    /// Creates an account and logs in. With <paramref name="protocol"/> the device is a real <see cref="Messenger"/>
    /// (identity key, signed, one-time and Kyber prekeys uploaded; PQXDH + Double Ratchet sessions; in-memory stores).
    /// </summary>
    public static async Task<VirtualDevice> RegisterAsync(
        HttpClient http, HttpMessageInvoker streamInvoker, MessageTracker tracker, RunClock clock, bool protocol, CancellationToken ct)
    {
        if (protocol)
        {
            var store = new InMemoryProtocolStore(IdentityKeyPair.Generate(), (uint)System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, 16381));
            // Few prekeys (Kyber key generation is the costly part) and no receipts: receipts would be extra, untracked traffic.
            var options = new MessengerOptions { OneTimePreKeys = 5, PqPreKeys = 5, RefillBelow = 1, SendDeliveryReceipts = false };
            var messenger = await Messenger.CreateAccountAsync(http, store, new InMemoryClientStateStore(), options, ct);
            await messenger.Identity.GetTokenAsync(ct);
            return new VirtualDevice(messenger.Identity, messenger, streamInvoker, tracker, clock);
        }

        var identity = new IdentityClient(http);
        await identity.CreateAccountAsync(ct);
        await identity.LoginAsync(ct);
        return new VirtualDevice(identity, null, streamInvoker, tracker, clock);
    }

    /// <summary>Opens the stream (bearer token in the handshake) and starts reading frames in the background.</summary>
    public async Task ConnectAsync(Uri baseAddress, int receiveBufferBytes, CancellationToken ct)
    {
        var uri = new UriBuilder(new Uri(baseAddress, "v1/stream")) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws" }.Uri;
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + await Identity.GetTokenAsync(ct));
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(20);
        socket.Options.SetBuffer(receiveBufferBytes, 1024);
        _queueEmpty = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await socket.ConnectAsync(uri, _invoker, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
        _receiving = Task.Run(() => ReceiveLoopAsync(socket, receiveBufferBytes));
    }

    /// <summary>Sends one tracked message of <paramref name="payloadBytes"/> to <paramref name="to"/>'s device 1.</summary>
    public async Task SendAsync(VirtualDevice to, long seq, int payloadBytes, CancellationToken ct)
    {
        var now = _clock.NowMicros;
        _tracker.MarkSent(seq, now);
        try
        {
            await SendPayloadAsync(to, Payload.Create(payloadBytes, _tracker.RunTag, seq, now), ct);
            _tracker.MarkAccepted(seq, _clock.NowMicros);
        }
        catch (CloudyApiException e)
        {
            _tracker.MarkFailed(seq, (int)e.Status);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or Cloudy.Protocol.ProtocolException)
        {
            _tracker.MarkFailed(seq, 0);
        }
    }

    /// <summary>Opaque bytes as a type-2 envelope, or, with a messenger, the same bytes (base64url) as an end-to-end encrypted text.</summary>
    private async Task SendPayloadAsync(VirtualDevice to, byte[] payload, CancellationToken ct)
    {
        if (_messenger is not null)
        {
            await _messenger.SendTextAsync(to.AccountId, Base64Url.EncodeToString(payload), ct);
            return;
        }

        var content = Base64Url.EncodeToString(payload);
        await Messages.SendAsync(to.AccountId, new SendRequest([new OutgoingMessage(1, null, 2, content)], DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null), ct);
    }

    /// <summary>
    /// Sends one untracked warm-up message to <paramref name="to"/>, retrying while the server answers 404: the
    /// delivery service learns about new accounts from identity's events, asynchronously, so a brand-new account
    /// is briefly unknown to it. Returns the number of 404 answers seen.
    /// </summary>
    public async Task<int> WarmUpAsync(VirtualDevice to, int payloadBytes, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await SendPayloadAsync(to, Payload.Create(payloadBytes, _tracker.WarmupTag, 0, _clock.NowMicros), ct);
                return attempt;
            }
            catch (CloudyApiException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * (attempt + 1))), ct);
            }
        }
    }

    /// <summary>Closes the stream politely.</summary>
    public async Task DisconnectAsync()
    {
        if (_socket is not { } socket)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await _sendLock.WaitAsync(timeout.Token);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            finally
            {
                _sendLock.Release();
            }

            if (_receiving is not null)
            {
                await _receiving.WaitAsync(timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }

        socket.Dispose();
        _socket = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DisconnectAsync();
        _sendLock.Dispose();
        _messenger?.Dispose();
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket, int bufferBytes)
    {
        var buffer = new byte[bufferBytes];
        var message = new ArrayBufferWriter<byte>(bufferBytes);
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                message.Clear();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    message.Write(buffer.AsSpan(0, result.Count));
                }
                while (!result.EndOfMessage);

                await HandleFrameAsync(socket, message.WrittenSpan.ToArray());
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Connection gone: unacked envelopes come again on the next connection (at-least-once).
        }
    }

    private async Task HandleFrameAsync(ClientWebSocket socket, byte[] json)
    {
        var frame = JsonSerializer.Deserialize(json, LoadJsonContext.Default.StreamFrame);
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
        if (_messenger is null)
        {
            _tracker.MarkDelivered(Base64Url.DecodeFromChars(envelope.Content), _clock.NowMicros);
        }
        else
        {
            var incoming = await _messenger.DecryptAsync(envelope);
            if (incoming.Content?.Text is { } text)
            {
                _tracker.MarkDecrypted();
                _tracker.MarkDelivered(Base64Url.DecodeFromChars(text), _clock.NowMicros);
            }

            if (!incoming.ShouldAck)
            {
                return;
            }
        }

        if (envelope.Ephemeral)
        {
            return;
        }

        var ack = JsonSerializer.SerializeToUtf8Bytes(new ClientFrame("ack", envelope.Id), LoadJsonContext.Default.ClientFrame);
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

/// <summary>Source-generated JSON for the stream frames (the wire records are the client library's).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StreamFrame))]
[JsonSerializable(typeof(ClientFrame))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;
