using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Cloudy.Gateway.Tests;

/// <summary>
/// A real Kestrel backend standing in for key-directory, delivery and presence: answers every
/// request with its method, path and headers, and echoes WebSocket messages on <c>/v1/stream</c>.
/// With <c>http2Only</c> it speaks cleartext HTTP/2 only (prior knowledge), as a delivery endpoint for the gateway's
/// HTTP/2 hop would.
/// </summary>
public sealed class EchoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _hits;

    private EchoBackend(WebApplication app)
    {
        _app = app;
        Address = new Uri(app.Urls.First());
    }

    /// <summary>Where it listens.</summary>
    public Uri Address { get; }

    /// <summary>Requests that reached it.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Protocol and method of each WebSocket request that reached it, e.g. <c>HTTP/2 CONNECT</c>.</summary>
    public ConcurrentQueue<string> WebSocketRequests { get; } = new();

    public static async Task<EchoBackend> StartAsync(bool http2Only = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        if (http2Only)
        {
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        }
        else
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        EchoBackend? backend = null;
        app.UseWebSockets();
        app.Run(async context =>
        {
            Interlocked.Increment(ref backend!._hits);
            if (context.WebSockets.IsWebSocketRequest)
            {
                backend.WebSocketRequests.Enqueue(context.Request.Protocol + " " + context.Request.Method);
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                await EchoAsync(socket);
                return;
            }

            await context.Response.WriteAsJsonAsync(new
            {
                method = context.Request.Method,
                path = context.Request.Path.Value,
                headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
            });
        });
        await app.StartAsync();
        backend = new EchoBackend(app);
        return backend;
    }

    private static async Task EchoAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
