using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Cloudy.EventBus.InProcess;

/// <summary>Hosted service running one <see cref="GroupWorker"/> per (group, topic) of the registered subscriptions.</summary>
internal sealed class InProcessBusHost : BackgroundService
{
    private readonly IEnumerable<EventSubscription> _subscriptions;
    private readonly IServiceScopeFactory _scopes;
    private readonly IConnectionMultiplexer _redis;
    private readonly InProcessBusTopology _topology;
    private readonly InProcessBusOptions _options;
    private readonly ILogger<GroupWorker> _logger;

    public InProcessBusHost(
        IEnumerable<EventSubscription> subscriptions,
        IServiceScopeFactory scopes,
        IConnectionMultiplexer redis,
        InProcessBusTopology topology,
        IOptions<InProcessBusOptions> options,
        ILogger<GroupWorker> logger)
    {
        _subscriptions = subscriptions;
        _scopes = scopes;
        _redis = redis;
        _topology = topology;
        _options = options.Value;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var db = _redis.GetDatabase();
        return Task.WhenAll(EventDispatcher.ForEachConsumer(_subscriptions, _scopes).Select(d =>
            new GroupWorker(d, db, _options, _topology.SignalOf(d.Topic, d.Group), _logger).RunAsync(stoppingToken)));
    }
}
