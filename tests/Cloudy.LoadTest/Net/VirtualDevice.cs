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
using Cloudy.Contracts.Identity;
using Cloudy.LoadTest.Metrics;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Stores;

namespace Cloudy.LoadTest.Net;

/// <summary>
/// One simulated device, using the public API exactly as a client does: account creation with an Ed25519
/// device key, challenge–response login (<see cref="IdentityClient"/>), sends with <c>PUT /v1/messages/{accountId}</c>,
/// and a <c>/v1/stream</c> WebSocket that acks every stored envelope. Registration and login go through the client
/// library; the hot path (send, receive, ack) writes and reads the documented wire format (docs/api-delivery.md)
/// directly, byte for byte what <see cref="MessagesClient"/> and a stream client exchange, so that thousands of
/// messages per second cost the generator little CPU. The sockets come from our own handler (bound to a chosen
/// 127.x source address).
/// </summary>
internal sealed partial class VirtualDevice : IAsyncDisposable
{
    /// <summary>Same margin as <see cref="IdentityClient"/>: inside it, the next send asks the client, which logs in again.</summary>
    private static readonly TimeSpan _renewMargin = TimeSpan.FromSeconds(30);
    private readonly HttpMessageInvoker _invoker;
    private readonly MessageTracker _tracker;
    private readonly RunClock _clock;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private ClientWebSocket? _socket;
    private Task? _receiving;
    private readonly Messenger? _messenger;
    private TaskCompletionSource _queueEmpty = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Uri _baseAddress;
    private readonly ArrayBufferWriter<byte> _ack = new(128);
    private readonly Utf8JsonWriter _ackWriter;
    private Uri? _inbox;
    private Authorization? _authorization;

    private VirtualDevice(IdentityClient identity, Messenger? messenger, Uri baseAddress, HttpMessageInvoker invoker, MessageTracker tracker, RunClock clock)
    {
        Identity = identity;
        _messenger = messenger;
        Messages = new MessagesClient(identity);
        _baseAddress = baseAddress;
        _invoker = invoker;
        _tracker = tracker;
        _clock = clock;
        _ackWriter = new Utf8JsonWriter(_ack);
    }

    /// <summary>The device's identity client (token cache).</summary>
    public IdentityClient Identity { get; }

    /// <summary>Its send client.</summary>
    public MessagesClient Messages { get; }

    /// <summary>The account id.</summary>
    public string AccountId => Identity.Device!.AccountId;

    /// <summary>Where messages to this device's account are sent: <c>PUT /v1/messages/{accountId}</c> (built once).</summary>
    public Uri Inbox => _inbox ??= new Uri(_baseAddress, "v1/messages/" + Uri.EscapeDataString(AccountId));

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
            return new VirtualDevice(messenger.Identity, messenger, http.BaseAddress!, streamInvoker, tracker, clock);
        }

        var identity = new IdentityClient(http);
        await identity.CreateAccountAsync(ct);
        await identity.LoginAsync(ct);
        return new VirtualDevice(identity, null, http.BaseAddress!, streamInvoker, tracker, clock);
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

    /// <summary>
    /// Sends one tracked message of <paramref name="payloadBytes"/> to <paramref name="to"/>'s device 1. Opaque payloads go
    /// out as the documented request (<see cref="SendBody"/>) on the shared connection pool; every outcome is recorded.
    /// </summary>
    public async Task SendAsync(VirtualDevice to, long seq, int payloadBytes, CancellationToken ct)
    {
        var now = _clock.NowMicros;
        _tracker.MarkSent(seq, now);
        if (_messenger is not null)
        {
            await SendProtocolAsync(to, seq, Payload.Create(payloadBytes, _tracker.RunTag, seq, now), ct);
            return;
        }

        var status = await PutAsync(to, Body(payloadBytes, _tracker.RunTag, seq, now), ct);
        if (status is >= 200 and < 300)
        {
            _tracker.MarkAccepted(seq, _clock.NowMicros);
        }
        else
        {
            _tracker.MarkFailed(seq, status);
        }
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
            var status = 0;
            try
            {
                var payload = Payload.Create(payloadBytes, _tracker.WarmupTag, 0, _clock.NowMicros);
                if (_messenger is not null)
                {
                    await _messenger.SendTextAsync(to.AccountId, Base64Url.EncodeToString(payload), ct);
                    return attempt;
                }

                status = await PutAsync(to, SendBody.Create(payload, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), ct);
            }
            catch (CloudyApiException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
            {
                status = 404;
            }

            if (status is >= 200 and < 300)
            {
                return attempt;
            }

            if (status != 404)
            {
                throw new InvalidOperationException($"Warm-up send to {to.AccountId} answered {(status == 0 ? "a transport error" : status)}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * (attempt + 1))), ct);
        }
    }

    /// <summary>The body for a tracked opaque payload; the payload itself lives on the stack (or a pooled array) only.</summary>
    private static byte[] Body(int payloadBytes, uint runTag, long seq, long sentAtMicros)
    {
        byte[]? rented = null;
        var payload = payloadBytes <= 1024 ? stackalloc byte[payloadBytes] : (rented = ArrayPool<byte>.Shared.Rent(payloadBytes)).AsSpan(0, payloadBytes);
        Payload.Write(payload, runTag, seq, sentAtMicros);
        var body = SendBody.Create(payload, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return body;
    }

    /// <summary>
    /// <c>PUT /v1/messages/{accountId}</c> with the bearer token, on the bare handler (no HttpClient timeout timer, no
    /// response buffering, no serializer): returns the HTTP status, or 0 for a transport error or timeout.
    /// </summary>
    private async Task<int> PutAsync(VirtualDevice to, byte[] body, CancellationToken ct)
    {
        try
        {
            var authorization = await AuthorizationAsync(ct);
            using var request = new HttpRequestMessage(HttpMethod.Put, to.Inbox) { Content = new ByteArrayContent(body) };
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
            using var response = await _invoker.SendAsync(request, ct);
            // Read the (small) answer to its end so the keep-alive connection goes straight back to the pool.
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            while (await stream.ReadAsync(_discard, ct) > 0)
            {
            }

            return (int)response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or CloudyApiException)
        {
            return e is CloudyApiException api ? (int)api.Status : 0;
        }
    }

    /// <summary>Bytes of answers nobody reads; shared by every concurrent send on purpose (their content does not matter).</summary>
    private static readonly byte[] _discard = new byte[4096];

    /// <summary>The cached <c>Bearer</c> header value, renewed through <see cref="IdentityClient"/> (a real login) before the token expires.</summary>
    private ValueTask<string> AuthorizationAsync(CancellationToken ct)
    {
        var token = Identity.CurrentToken;
        return _authorization is { } a && ReferenceEquals(a.Token, token) && token.ExpiresAt - _renewMargin > DateTimeOffset.UtcNow
            ? ValueTask.FromResult(a.Header)
            : RenewAuthorizationAsync(ct);
    }

    private async ValueTask<string> RenewAuthorizationAsync(CancellationToken ct)
    {
        var header = "Bearer " + await Identity.GetTokenAsync(ct);
        _authorization = new Authorization(Identity.CurrentToken!, header);
        return header;
    }

    /// <summary>With <c>--protocol</c>: the payload (base64url) as an end-to-end encrypted text through the real <see cref="Messenger"/>.</summary>
    private async Task SendProtocolAsync(VirtualDevice to, long seq, byte[] payload, CancellationToken ct)
    {
        try
        {
            await _messenger!.SendTextAsync(to.AccountId, Base64Url.EncodeToString(payload), ct);
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
        await _ackWriter.DisposeAsync();
        _messenger?.Dispose();
    }

    /// <summary>A token and its ready-made header value, swapped as one reference so concurrent sends never mix them.</summary>
    private sealed record Authorization(TokenResponse Token, string Header);
}

/// <summary>Source-generated JSON for the stream frames (the wire records are the client library's).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StreamFrame))]
[JsonSerializable(typeof(ClientFrame))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;
