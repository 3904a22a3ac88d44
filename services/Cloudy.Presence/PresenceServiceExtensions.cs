using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.Presence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the presence service into a host (its own process or the embedded host).</summary>
public static class PresenceServiceExtensions
{
    /// <summary>Consumer group of the service's event handlers (unique per service).</summary>
    public const string ConsumerGroup = "presence";

    /// <summary>Root of the service's public API; the gateway routes it here.</summary>
    public const string RoutePrefix = "/v1/presence";

    /// <summary>
    /// Registers the service: for now only its <see cref="AccountDeleted"/> consumer, which deletes the
    /// account's <c>pr:</c> keys. Adds no middleware. Needs AddCloudyStore and AddCloudyEventBus.
    /// </summary>
    public static IHostApplicationBuilder AddPresenceService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEventHandler<AccountDeleted, AccountDeletedPurge>(Topics.Identity, ConsumerGroup);
        builder.AddPresenceFeatures(ConsumerGroup);   // projection, settings, query, watch, sweeper (PresenceFeatures.cs)
        return builder;
    }

    /// <summary>
    /// Maps the service's route group under <see cref="RoutePrefix"/>. It has no endpoints yet (online / last seen and visibility settings
    /// come in a later issue), so requests there answer 404 problem details.
    /// </summary>
    public static RouteGroupBuilder MapPresenceEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        return routes.MapGroup(RoutePrefix).WithTags(ConsumerGroup).MapPresenceFeatures();   // endpoints: Endpoints/PresenceEndpoints.cs
    }
}
