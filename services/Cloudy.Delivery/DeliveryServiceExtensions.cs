using Cloudy.Contracts;
using Cloudy.Delivery;
using Cloudy.EventBus;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the delivery service into a host (its own process or the embedded host).</summary>
public static class DeliveryServiceExtensions
{
    /// <summary>Consumer group of the service's event handlers (unique per service).</summary>
    public const string ConsumerGroup = "delivery";

    /// <summary>Root of the service's public API; the gateway routes it here.</summary>
    public const string RoutePrefix = "/v1/messages";

    /// <summary>
    /// Registers the service: for now only its <see cref="AccountDeleted"/> consumer, which deletes the
    /// account's <c>dl:</c> keys. Adds no middleware. Needs AddCloudyStore and AddCloudyEventBus.
    /// </summary>
    public static IHostApplicationBuilder AddDeliveryService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEventHandler<AccountDeleted, AccountDeletedPurge>(Topics.Identity, ConsumerGroup);
        builder.AddDeliveryFeatures(ConsumerGroup);   // send, mailboxes, stream, device projection (DeliveryFeatures.cs)
        return builder;
    }

    /// <summary>
    /// Maps the service's route group under <see cref="RoutePrefix"/>. It has no endpoints yet (per-device ciphertext mailboxes; the WebSocket stream will be <c>/v1/stream</c>
    /// come in a later issue), so requests there answer 404 problem details.
    /// </summary>
    public static RouteGroupBuilder MapDeliveryEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapDeliveryFeatures();   // /v1/messages and /v1/stream (DeliveryFeatures.cs)
        return routes.MapGroup(RoutePrefix).WithTags(ConsumerGroup);
    }
}
