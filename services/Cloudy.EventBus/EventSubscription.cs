using System.Collections.Concurrent;
using System.Reflection;
using Cloudy.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.EventBus;

/// <summary>
/// A registered subscription: consumer group <see cref="Group"/> handles <see cref="EventType"/>
/// from <see cref="Topic"/>. Adapters read these from DI to build their consumers.
/// </summary>
public sealed record EventSubscription(string Topic, string Group, Type EventType, Type HandlerType)
{
    /// <summary>Wire type name of <see cref="EventType"/>.</summary>
    public string EventTypeName => EventSerializer.TypeName(EventType);

    // Static, not an instance field: a field would take part in record equality.
    private static readonly ConcurrentDictionary<Type, MethodInfo> _handleMethods = new();

    /// <summary>Resolves the handler from <paramref name="services"/> and invokes it.</summary>
    /// <remarks>
    /// Exceptions thrown synchronously by a handler surface unwrapped (not as
    /// <see cref="TargetInvocationException"/>) so adapters record the real failure.
    /// </remarks>
    public Task InvokeAsync(IServiceProvider services, IntegrationEvent @event, CancellationToken cancellationToken)
    {
        var handler = services.GetRequiredService(HandlerType);
        var method = _handleMethods.GetOrAdd(EventType, static type => typeof(IEventHandler<>).MakeGenericType(type)
            .GetMethod(nameof(IEventHandler<IntegrationEvent>.HandleAsync))!);
        return (Task)method.Invoke(handler, BindingFlags.DoNotWrapExceptions, binder: null, [@event, cancellationToken], culture: null)!;
    }
}

/// <summary>Registration helpers for subscriptions.</summary>
public static class EventSubscriptionExtensions
{
    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> to <typeparamref name="TEvent"/> on <paramref name="topic"/>
    /// as consumer group <paramref name="group"/> (normally the service name).
    /// </summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services, string topic, string group)
        where TEvent : IntegrationEvent
        where THandler : class, IEventHandler<TEvent>
    {
        EventSerializer.Register<TEvent>();
        services.AddScoped<THandler>();
        services.AddSingleton(new EventSubscription(topic, group, typeof(TEvent), typeof(THandler)));
        return services;
    }
}
