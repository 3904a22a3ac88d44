using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cloudy.Gateway.Tests;

/// <summary>
/// A real Kestrel backend standing in for key-directory, delivery and presence: answers every
/// request with its method, path and headers, and echoes WebSocket messages on <c>/v1/stream</c>.
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

    public static async Task<EchoBackend> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        EchoBackend? backend = null;
        app.UseWebSockets();
        app.Run(async context =>
        {
            Interlocked.Increment(ref backend!._hits);
            if (context.WebSockets.IsWebSocketRequest)
            {
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
