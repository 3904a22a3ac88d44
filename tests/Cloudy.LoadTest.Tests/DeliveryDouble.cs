using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Cloudy.Contracts.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cloudy.LoadTest.Tests;

/// <summary>
/// A <b>test double</b> of the public API, NOT the Cloudy server: just enough of identity (register, challenge, login
/// with an unverified signature) and delivery (<c>PUT /v1/messages/{accountId}</c> answered 200 at once, the envelope
/// pushed to the recipient's <c>/v1/stream</c>, acks counted) to run the generator at rates the real server does not
/// reach yet, so the generator's own CPU per message can be measured and its accounting checked at 10k+ msg/s.
/// It speaks the documented wire format (docs/api-delivery.md), so the generator cannot tell it apart on the hot path.
/// </summary>
internal sealed class DeliveryDouble : IAsyncDisposable
{
    private static readonly JsonSerializerOptions _web = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Channel<byte[]>> _mailboxes = new();
    private WebApplication? _app;
    private long _accepted;
    private long _acked;
    private long _nextId;

    /// <summary>The base URL (http://127.0.0.1:port/).</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Sends answered 200.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Ack frames received.</summary>
    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>Starts the double on a free loopback port.</summary>
    public static async Task<DeliveryDouble> StartAsync()
    {
        var d = new DeliveryDouble();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.MapPost("/v1/accounts", () => Results.Json(new DeviceRegistered(Guid.NewGuid().ToString("N"), 1), _web));
        app.MapPost("/v1/auth/challenge", () => Results.Json(
            new ChallengeResponse(Base64Url.EncodeToString(Guid.NewGuid().ToByteArray()), DateTimeOffset.UtcNow.AddMinutes(5)), _web));
        app.MapPost("/v1/auth/login", async (HttpContext http) =>
        {
            var login = await http.Request.ReadFromJsonAsync<LoginRequest>(_web);
            return Results.Json(new TokenResponse("double." + login!.AccountId, "Bearer", DateTimeOffset.UtcNow.AddHours(1), login.AccountId!, 1), _web);
        });
        app.MapPut("/v1/messages/{accountId}", d.SendAsync);
        app.Map("/v1/stream", d.StreamAsync);
        await app.StartAsync();
        d._app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        d.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return d;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var mailbox in _mailboxes.Values)
        {
            mailbox.Writer.TryComplete();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private Channel<byte[]> Mailbox(string account) => _mailboxes.GetOrAdd(account, _ => Channel.CreateUnbounded<byte[]>());

    private static string? Account(HttpContext http) =>
        http.Request.Headers.Authorization.ToString() is { } h && h.StartsWith("Bearer double.", StringComparison.Ordinal) ? h["Bearer double.".Length..] : null;

    private async Task<IResult> SendAsync(string accountId, HttpContext http)
    {
        if (Account(http) is not { } sender)
        {
            return Results.StatusCode(401);
        }

        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var message = body.RootElement.GetProperty("messages")[0];
        var id = Interlocked.Increment(ref _nextId).ToString("D26", System.Globalization.CultureInfo.InvariantCulture);
        var frame = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "envelope",
            envelope = new
            {
                id,
                type = message.GetProperty("type").GetInt32(),
                sourceAccountId = sender,
                sourceDeviceId = 1,
                destinationDeviceId = 1,
                content = message.GetProperty("content").GetString(),
                clientTimestamp = body.RootElement.GetProperty("timestamp").GetInt64(),
                serverTimestamp = DateTimeOffset.UtcNow,
                ephemeral = false,
            },
        }, _web);
        Mailbox(accountId).Writer.TryWrite(frame);
        Interlocked.Increment(ref _accepted);
        return Results.Json(new { serverTimestamp = DateTimeOffset.UtcNow, envelopes = new[] { new { deviceId = 1, envelopeId = id } }, ephemeral = false }, _web);
    }

    private async Task StreamAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest || Account(http) is not { } account)
        {
            http.Response.StatusCode = 401;
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var push = PushAsync(socket, Mailbox(account).Reader, stop.Token);
        var buffer = new byte[4096];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                    break;
                }

                using var ack = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                if (ack.RootElement.GetProperty("type").GetString() == "ack" && ack.RootElement.GetProperty("id").GetString() is { Length: 26 })
                {
                    Interlocked.Increment(ref _acked);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }

        await stop.CancelAsync();
        try
        {
            await push;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static async Task PushAsync(WebSocket socket, ChannelReader<byte[]> mailbox, CancellationToken ct)
    {
        await socket.SendAsync("""{"type":"queue-empty"}"""u8.ToArray(), WebSocketMessageType.Text, true, ct);
        await foreach (var frame in mailbox.ReadAllAsync(ct))
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, true, ct);
        }
    }
}
