using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.KeyDirectory.Domain;
using Cloudy.KeyDirectory.Endpoints;
using Cloudy.KeyDirectory.Http;
using Cloudy.KeyDirectory.Storage;
using Cloudy.Security;
using Cloudy.ServiceDefaults;

namespace Cloudy.KeyDirectory;

/// <summary>
/// Registration of the key-directory features, called from <c>KeyDirectoryServiceExtensions</c>
/// (kept apart so the service's wiring class stays small). Adds no middleware.
/// </summary>
public static class KeyDirectoryFeatures
{
    /// <summary>
    /// Token validation, options (section <c>KeyDirectory</c>), store access, JSON metadata and the
    /// <see cref="DeviceRemoved"/> consumer in group <paramref name="consumerGroup"/>.
    /// </summary>
    public static IHostApplicationBuilder AddKeyDirectoryFeatures(this IHostApplicationBuilder builder, string consumerGroup)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddCloudyAuthentication();
        var services = builder.Services;
        services.AddSingleton(builder.Configuration.GetSection(KeyDirectoryOptions.Section).Get<KeyDirectoryOptions>() ?? new KeyDirectoryOptions());
        services.AddSingleton<KeyStore>();
        services.AddSingleton<KeyUploads>();
        services.AddSingleton<BundleFetcher>();
        services.AddJsonTypeInfoResolver(KeyDirectoryJsonContext.Default);
        services.AddEventHandler<DeviceRemoved, DeviceRemovedPurge>(Topics.Identity, consumerGroup);
        return builder;
    }

    /// <summary>Maps the upload, counts and bundle-fetch endpoints into <paramref name="group"/> (<c>/v1/keys</c>).</summary>
    public static RouteGroupBuilder MapKeyDirectoryFeatures(this RouteGroupBuilder group) => KeyEndpoints.Map(group);
}
