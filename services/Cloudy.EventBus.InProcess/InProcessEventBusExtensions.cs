using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Cloudy.EventBus.InProcess;

/// <summary>Registration of the in-process adapter.</summary>
public static class InProcessEventBusExtensions
{
    /// <summary>
    /// Registers <see cref="IEventBus"/> backed by the Redis-protocol store (an <see cref="IConnectionMultiplexer"/>
    /// must be registered, e.g. by <c>AddCloudyStore()</c>) and a hosted worker per (group, topic) of the
    /// registered <see cref="EventSubscription"/>s. Run one bus instance per store.
    /// </summary>
    public static IServiceCollection AddInProcessEventBus(this IServiceCollection services, InProcessBusOptions? options = null)
    {
        options ??= new InProcessBusOptions();
        if (options.MaxAttempts < 1 || options.MaxDeliveries < 1)
        {
            throw new ArgumentException("In-process bus: MaxAttempts and MaxDeliveries must be at least 1.", nameof(options));
        }

        services.TryAddSingleton(Options.Create(options));
        services.TryAddSingleton(sp => new InProcessBusTopology(sp.GetServices<EventSubscription>()));
        services.TryAddSingleton(sp => new InProcessEventBus(
            sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<InProcessBusTopology>()));
        services.TryAddSingleton<IEventBus>(sp => sp.GetRequiredService<InProcessEventBus>());
        services.AddHostedService<InProcessBusHost>();
        return services;
    }
}
