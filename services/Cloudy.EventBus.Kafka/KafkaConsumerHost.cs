using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// Hosted service that runs one <see cref="KafkaTopicConsumer"/> per (group, topic) among the registered
/// <see cref="EventSubscription"/>s. Subscriptions are read at start, not at registration, because
/// services register their handlers after the bus adapter.
/// </summary>
internal sealed class KafkaConsumerHost : BackgroundService
{
    private readonly IEnumerable<EventSubscription> _subscriptions;
    private readonly IServiceScopeFactory _scopes;
    private readonly KafkaOptions _options;
    private readonly KafkaProducer _producer;
    private readonly ILoggerFactory _loggers;

    public KafkaConsumerHost(
        IEnumerable<EventSubscription> subscriptions,
        IServiceScopeFactory scopes,
        IOptions<KafkaOptions> options,
        KafkaProducer producer,
        ILoggerFactory loggers)
    {
        _subscriptions = subscriptions;
        _scopes = scopes;
        _options = options.Value;
        _producer = producer;
        _loggers = loggers;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dispatchers = EventDispatcher.ForEachConsumer(_subscriptions, _scopes);
        if (dispatchers.Count == 0)
        {
            return Task.CompletedTask;
        }

        KafkaNative.EnsureLoaded();
        var logger = _loggers.CreateLogger<KafkaTopicConsumer>();
        return Task.WhenAll(dispatchers.Select(d => new KafkaTopicConsumer(d, _options, _producer, logger).RunAsync(stoppingToken)));
    }
}
