using Cloudy.Contracts;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Endpoints;
using Cloudy.Delivery.Http;
using Cloudy.Delivery.Mailbox;
using Cloudy.Delivery.Presence;
using Cloudy.Delivery.Streaming;
using Cloudy.EventBus;
using Cloudy.Security;
using Cloudy.ServiceDefaults;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cloudy.Delivery;

/// <summary>Registration of delivery's features (called from <c>DeliveryServiceExtensions</c>).</summary>
public static class DeliveryFeatures
{
    /// <summary>
    /// Registers sending, mailboxes, the stream and the consumers of group <paramref name="consumerGroup"/>:
    /// envelopes (<see cref="Topics.Envelopes"/>), the device registry projection (<see cref="Topics.Identity"/>) and
    /// presence changes pushed to watchers' streams (<see cref="PresenceTopics.Presence"/>).
    /// Adds no middleware.
    /// </summary>
    public static IHostApplicationBuilder AddDeliveryFeatures(this IHostApplicationBuilder builder, string consumerGroup)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCloudyAuthentication();
        var services = builder.Services;
        services.AddSingleton(builder.Configuration.GetSection(DeliveryOptions.Section).Get<DeliveryOptions>() ?? new DeliveryOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DeviceRegistry>();
        services.AddSingleton<MailboxStore>();
        services.AddSingleton<ConnectionRegistry>();
        services.AddSingleton<Notifier>();
        services.AddSingleton<SendRateLimiter>();
        services.AddSingleton<StreamHub>();
        services.AddHostedService(sp => sp.GetRequiredService<StreamHub>());
        services.AddJsonTypeInfoResolver(DeliveryJsonContext.Default);

        services.AddEventHandler<EnvelopesSent, EnvelopeMailboxWriter>(Topics.Envelopes, consumerGroup);
        services.AddEventHandler<AccountCreated, AccountCreatedProjection>(Topics.Identity, consumerGroup);
        services.AddEventHandler<DeviceLinked, DeviceLinkedProjection>(Topics.Identity, consumerGroup);
        services.AddEventHandler<DeviceRemoved, DeviceRemovedPurge>(Topics.Identity, consumerGroup);
        EventSerializer.Register<PresenceChanged>();   // presence's own event; not in the shared registrations
        services.AddEventHandler<PresenceChanged, PresenceChangedPush>(PresenceTopics.Presence, consumerGroup);
        return builder;
    }

    /// <summary>Maps <c>/v1/messages</c> (send, fetch, ack) and <c>/v1/stream</c> (WebSocket).</summary>
    public static IEndpointRouteBuilder MapDeliveryFeatures(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        MessageEndpoints.Map(routes);
        StreamEndpoint.Map(routes);
        return routes;
    }
}
