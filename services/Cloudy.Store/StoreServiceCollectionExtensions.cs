using Cloudy.Store;
using Cloudy.Store.Durability;
using Cloudy.Store.Garnet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the Redis-protocol store.</summary>
public static class StoreServiceCollectionExtensions
{
    /// <summary>The health-check tag for readiness probes (<c>/health/ready</c>).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Registers a singleton <see cref="IConnectionMultiplexer"/> and a readiness check (PING).
    /// <c>Store:Embedded=true</c> starts Garnet in this process (data under <c>Cloudy:DataDir</c>/garnet,
    /// port <c>Store:Garnet:Port</c> or a free one) before connecting; otherwise <c>Store:Connection</c>
    /// is used. Calling it twice is harmless (the embedded host and a service may both call it).
    /// </summary>
    public static IHostApplicationBuilder AddCloudyStore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(StoreOptions)))
        {
            return builder;
        }

        var options = ReadOptions(builder.Configuration);
        services.AddSingleton(options);
        if (options.Embedded)
        {
            // Garnet logs its whole configuration at Information; keep warnings unless configured otherwise.
            if (builder.Configuration["Logging:LogLevel:Garnet"] is null)
            {
                builder.Logging.AddFilter("Garnet", LogLevel.Warning);
            }

            services.AddSingleton(sp => EmbeddedGarnetServer.Start(
                new EmbeddedGarnetOptions(options.GarnetDirectory, options.GarnetPort, options.GarnetCommitIntervalMs),
                sp.GetService<ILoggerFactory>()));
        }

        services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var connection = options.Embedded
                ? sp.GetRequiredService<EmbeddedGarnetServer>().ConnectionString
                : options.Connection;
            var configuration = ConfigurationOptions.Parse(connection);
            // Start even when the store is down: the readiness check reports it and the
            // multiplexer keeps reconnecting in the background.
            configuration.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(configuration);
        });

        if (options.Embedded)
        {
            // A connection of its own: each commit holds its server session for the length of a flush.
            services.AddSingleton<IStoreDurability>(sp => new GarnetCommitBarrier(
                ConnectionMultiplexer.Connect(sp.GetRequiredService<EmbeddedGarnetServer>().ConnectionString), ownsConnection: true));
        }
        else
        {
            services.AddSingleton<IStoreDurability, ImmediateDurability>();
        }

        // Connect (and start embedded Garnet) while the host starts, not on the first request.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StoreStartup>());
        services.AddHealthChecks().AddCheck<StoreHealthCheck>(StoreHealthCheck.Name, HealthStatus.Unhealthy, [ReadyTag]);
        return builder;
    }

    private static StoreOptions ReadOptions(IConfiguration configuration) => new(
        Connection: configuration["Store:Connection"] is { Length: > 0 } c ? c : StoreOptions.DefaultConnection,
        Embedded: configuration.GetValue("Store:Embedded", false),
        DataDirectory: configuration["Cloudy:DataDir"] is { Length: > 0 } d ? d : StoreOptions.DefaultDataDirectory,
        GarnetPort: configuration.GetValue("Store:Garnet:Port", 0),
        GarnetCommitIntervalMs: configuration.GetValue("Store:Garnet:CommitIntervalMs", EmbeddedGarnetOptions.DefaultCommitIntervalMs));

    private sealed class StoreStartup(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<IConnectionMultiplexer>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
