using Cloudy.EventBus.InProcess;
using Cloudy.EventBus.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Chooses the event-bus adapter by configuration.</summary>
public static class EventBusExtensions
{
    /// <summary>Configuration key naming the adapter.</summary>
    public const string AdapterKey = "Bus:Adapter";

    /// <summary>
    /// Registers the <see cref="Cloudy.EventBus.IEventBus"/> adapter named by <c>Bus:Adapter</c>:
    /// <c>InProcess</c> (default; embedded mode, at-least-once through the store), <c>Kafka</c>
    /// (platform mode; <c>Kafka:*</c> settings, adds a readiness check) or <c>Dapr</c> (sidecar).
    /// Unknown names fail at startup rather than silently falling back.
    /// </summary>
    public static IHostApplicationBuilder AddCloudyEventBus(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var adapter = builder.Configuration[AdapterKey] is { Length: > 0 } name ? name : "InProcess";
        switch (adapter.ToUpperInvariant())
        {
            case "INPROCESS":
                builder.Services.AddInProcessEventBus();
                break;
            case "KAFKA":
                builder.Services.AddKafkaEventBus(builder.Configuration);
                break;
            case "DAPR":
                builder.Services.AddDaprEventBus(builder.Configuration);
                break;
            default:
                throw new InvalidOperationException($"Unknown {AdapterKey} '{adapter}': use InProcess, Kafka or Dapr.");
        }

        return builder;
    }
}
