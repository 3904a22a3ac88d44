using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.KeyDirectory;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wiring of the key-directory service into a host (its own process or the embedded host).</summary>
public static class KeyDirectoryServiceExtensions
{
    /// <summary>Consumer group of the service's event handlers (unique per service).</summary>
    public const string ConsumerGroup = "key-directory";

    /// <summary>Root of the service's public API; the gateway routes it here.</summary>
    public const string RoutePrefix = "/v1/keys";

    /// <summary>
    /// Registers the service: its <see cref="AccountDeleted"/> consumer, which deletes the account's
    /// <c>kd:</c> keys, and the key-directory features (token validation, key store, DeviceRemoved
    /// consumer; see KeyDirectoryFeatures). Adds no middleware. Needs AddCloudyStore and AddCloudyEventBus.
    /// </summary>
    public static IHostApplicationBuilder AddKeyDirectoryService(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddEventHandler<AccountDeleted, AccountDeletedPurge>(Topics.Identity, ConsumerGroup);
        builder.AddKeyDirectoryFeatures(ConsumerGroup);   // key upload/fetch/counts + DeviceRemoved purge (KeyDirectoryFeatures.cs)
        return builder;
    }

    /// <summary>
    /// Maps the service's route group under <see cref="RoutePrefix"/>: key upload, prekey counts and
    /// bundle fetches (docs/api-keys.md).
    /// </summary>
    public static RouteGroupBuilder MapKeyDirectoryEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        return routes.MapGroup(RoutePrefix).WithTags(ConsumerGroup).MapKeyDirectoryFeatures();   // endpoints: Endpoints/KeyEndpoints.cs
    }
}
