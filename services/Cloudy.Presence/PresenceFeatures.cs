using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.Presence.Domain;
using Cloudy.Presence.Endpoints;
using Cloudy.Presence.Handlers;
using Cloudy.Presence.Http;
using Cloudy.Presence.Storage;
using Cloudy.Security;
using Cloudy.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cloudy.Presence;

/// <summary>
/// Registration of the presence features, called from <c>PresenceServiceExtensions</c> (kept apart so the
/// service's wiring class stays small). Adds no middleware.
/// </summary>
public static class PresenceFeatures
{
    /// <summary>
    /// Token validation, options (section <c>Presence</c>), the store access, the connection-event projection and
    /// deletion tombstone in group <paramref name="consumerGroup"/>, the heartbeat sweeper, and the
    /// <see cref="PresenceChanged"/> event type.
    /// </summary>
    public static IHostApplicationBuilder AddPresenceFeatures(this IHostApplicationBuilder builder, string consumerGroup)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCloudyAuthentication();
        var services = builder.Services;
        services.AddSingleton(builder.Configuration.GetSection(PresenceOptions.Section).Get<PresenceOptions>() ?? new PresenceOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PresenceStore>();
        services.AddSingleton<PresencePublisher>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<QueryRateLimiter>();
        services.AddHostedService<PresenceSweeper>();
        services.AddJsonTypeInfoResolver(PresenceJsonContext.Default);

        EventSerializer.Register<PresenceChanged>();
        services.AddEventHandler<DeviceConnected, ConnectionEventsHandler>(Topics.Connections, consumerGroup);
        services.AddEventHandler<DeviceDisconnected, ConnectionEventsHandler>(Topics.Connections, consumerGroup);
        services.AddEventHandler<AccountDeleted, AccountDeletedForget>(Topics.Identity, consumerGroup);
        return builder;
    }

    /// <summary>Maps settings, query and watch endpoints into <paramref name="group"/> (<c>/v1/presence</c>).</summary>
    public static RouteGroupBuilder MapPresenceFeatures(this RouteGroupBuilder group) => PresenceEndpoints.Map(group);
}
