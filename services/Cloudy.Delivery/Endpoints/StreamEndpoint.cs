using System.Net.WebSockets;
using Cloudy.Contracts;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Http;
using Cloudy.Delivery.Mailbox;
using Cloudy.Delivery.Streaming;
using Cloudy.EventBus;
using Cloudy.Security;
using Cloudy.ServiceDefaults.Http;

namespace Cloudy.Delivery.Endpoints;

/// <summary>
/// <c>GET /v1/stream</c>: the device's WebSocket. The WebSocket middleware runs only on this endpoint (a small
/// pipeline of its own), so the service adds no global middleware to a host it may share.
/// </summary>
internal static partial class StreamEndpoint
{
    /// <summary>Path of the stream.</summary>
    public const string Path = "/v1/stream";

    public static void Map(IEndpointRouteBuilder routes)
    {
        var pipeline = routes.CreateApplicationBuilder();
        pipeline.UseWebSockets();
        pipeline.Run(HandleAsync);
        // GET is the HTTP/1.1 upgrade; CONNECT is a WebSocket over HTTP/2 (RFC 8441), e.g. from the gateway when its
        // delivery cluster speaks HTTP/2, which carries many streams on one connection.
        routes.MapMethods(Path, [HttpMethods.Get, HttpMethods.Connect], pipeline.Build()).WithName("Delivery.Stream").WithTags("Messages").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    private static async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var registry = services.GetRequiredService<DeviceRegistry>();
        if (await LiveDeviceFilter.CheckAsync(http.User, registry) is { } refusal)
        {
            await refusal.ExecuteAsync(http);
            return;
        }

        if (!http.WebSockets.IsWebSocketRequest)
        {
            await ProblemResults.BadRequest("This endpoint speaks WebSocket only (see docs/api-delivery.md).").ExecuteAsync(http);
            return;
        }

        var account = http.User.AccountId();
        var device = http.User.DeviceId();
        var options = services.GetRequiredService<DeliveryOptions>();
        var hub = services.GetRequiredService<StreamHub>();
        var notifier = services.GetRequiredService<Notifier>();
        var connections = services.GetRequiredService<ConnectionRegistry>();
        var bus = services.GetRequiredService<IEventBus>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StreamEndpoint));
        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = options.HeartbeatInterval });
        var stream = new StreamConnection(socket, account, device, services.GetRequiredService<MailboxStore>(), options, logger);
        var value = notifier.ConnectionValue(stream.Id);
        hub.Register(stream);
        // Shutdown closes the stream politely (1001) instead of aborting it, so clients reconnect elsewhere at once.
        using var onStopping = stopping.Register(() => stream.RequestClose(WebSocketCloseStatus.EndpointUnavailable, "server stopping"));
        try
        {
            // Claim first, then drain: an envelope stored after the claim rings this connection, one stored
            // before it is found by the drain, so none falls between the two.
            var previous = await connections.ClaimAsync(account, device, value);
            await notifier.CloseAsync(previous, account, device, StreamCloseCodes.Replaced);
            await AnnounceAsync(bus, new DeviceConnected(account, device, notifier.InstanceId), account, logger);
            await stream.RunAsync(
                async () => await connections.RenewAsync(account, device, value)
                    && await AnnounceAsync(bus, new DeviceConnected(account, device, notifier.InstanceId), account, logger),
                http.RequestAborted);
        }
        finally
        {
            hub.Unregister(stream);
            // Only the connection still holding the key reports the device gone; a replaced one stays quiet.
            if (await connections.ReleaseAsync(account, device, value))
            {
                await AnnounceAsync(bus, new DeviceDisconnected(account, device, notifier.InstanceId), account, logger);
            }
        }
    }

    /// <summary>Publishes a connection event; presence is best effort, so a bus failure must not end the stream.</summary>
    private static async Task<bool> AnnounceAsync<TEvent>(IEventBus bus, TEvent @event, string account, ILogger logger)
        where TEvent : IntegrationEvent
    {
        try
        {
            await bus.PublishAsync(Topics.Connections, account, @event);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogAnnounceFailed(logger, ex, typeof(TEvent).Name);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {EventType}")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception error, string eventType);
}
