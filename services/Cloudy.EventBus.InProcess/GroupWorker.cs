using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Cloudy.EventBus.InProcess;

/// <summary>
/// The single worker of one group on one topic. It takes the oldest event with LMOVE into the group's
/// processing list, handles it, and removes it (LREM) only afterwards, so an event taken by a process that
/// dies is still in the store; on start, processing items go back to the front of the queue. One worker
/// per group handles events strictly in publish order, which keeps per-key order. Only non-blocking
/// commands are used (the multiplexer is shared); an idle worker sleeps on an in-memory signal with a
/// slow poll as backstop.
/// </summary>
internal sealed class GroupWorker
{
    private readonly EventDispatcher _dispatcher;
    private readonly IDatabase _db;
    private readonly InProcessBusOptions _options;
    private readonly EventRetryPolicy _retry;
    private readonly SemaphoreSlim _signal;
    private readonly ILogger _logger;
    private readonly RedisKey _ready;
    private readonly RedisKey _processing;
    private readonly RedisKey _deliveries;
    private readonly RedisKey _deadLetter;

    public GroupWorker(EventDispatcher dispatcher, IDatabase db, InProcessBusOptions options, SemaphoreSlim signal, ILogger logger)
    {
        _dispatcher = dispatcher;
        _db = db;
        _options = options;
        _retry = options.RetryPolicy;
        _signal = signal;
        _logger = logger;
        _ready = BusKeys.Ready(dispatcher.Topic, dispatcher.Group);
        _processing = BusKeys.Processing(dispatcher.Topic, dispatcher.Group);
        _deliveries = BusKeys.Deliveries(dispatcher.Topic, dispatcher.Group);
        _deadLetter = BusKeys.DeadLetter(dispatcher.Topic, dispatcher.Group);
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            var recovered = await WithStoreRetryAsync(RecoverAsync, stoppingToken);
            Log.WorkerStarted(_logger, _dispatcher.Group, _dispatcher.Topic, recovered);
            while (!stoppingToken.IsCancellationRequested)
            {
                var item = await WithStoreRetryAsync(
                    () => _db.ListMoveAsync(_ready, _processing, ListSide.Right, ListSide.Left), stoppingToken);
                if (item.IsNull)
                {
                    await _signal.WaitAsync(_options.PollInterval, stoppingToken);
                    continue;
                }

                await ProcessAsync((byte[])item!, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown. An event being handled stays in the processing list and is recovered on next start.
        }
    }

    /// <summary>
    /// Moves whatever a previous run left in the processing list back to the consuming end of the queue,
    /// newest first, so that the oldest is taken first again. Assumes one bus instance per store.
    /// </summary>
    private async Task<int> RecoverAsync()
    {
        var count = 0;
        while (!(await _db.ListMoveAsync(_processing, _ready, ListSide.Left, ListSide.Right)).IsNull)
        {
            count++;
        }

        return count;
    }

    private async Task ProcessAsync(byte[] item, CancellationToken stoppingToken)
    {
        StoredEvent stored;
        try
        {
            stored = StoredEvent.Deserialize(item);
        }
        catch (JsonException ex)
        {
            await DeadLetterAsync(item, null, RetryOutcome.Describe(ex), 0, stoppingToken);
            return;
        }

        var deliveries = await WithStoreRetryAsync(() => _db.HashIncrementAsync(_deliveries, stored.ItemId), stoppingToken);
        if (deliveries > _options.MaxDeliveries)
        {
            var error = $"Delivery limit exceeded: taken {deliveries} times; the process stopped while handling it each time.";
            await DeadLetterAsync(item, stored, error, 0, stoppingToken);
            return;
        }

        var envelope = stored.Envelope;
        Contracts.IntegrationEvent? @event;
        try
        {
            @event = _dispatcher.Resolve(envelope);
        }
        catch (JsonException ex)
        {
            await DeadLetterAsync(item, stored, RetryOutcome.Describe(ex), 0, stoppingToken);
            return;
        }

        if (@event is null)
        {
            await CompleteAsync(item, stored, stoppingToken);
            return;
        }

        using var activity = EventBusTracing.StartProcess(
            InProcessEventBus.Source, InProcessEventBus.MessagingSystem, _dispatcher.Topic, _dispatcher.Group, envelope, stored.TraceParent, stored.TraceState);
        var outcome = await _retry.ExecuteAsync(
            ct => _dispatcher.DispatchAsync(@event, ct),
            (attempt, error) => Log.HandlerFailed(_logger, error, _dispatcher.Group, envelope.Id, envelope.Type, attempt),
            stoppingToken);
        if (outcome.Succeeded)
        {
            await CompleteAsync(item, stored, stoppingToken);
            return;
        }

        EventBusTracing.RecordError(activity, outcome.LastError!);
        await DeadLetterAsync(item, stored, outcome.ErrorDescription!, outcome.Attempts, stoppingToken);
    }

    private Task CompleteAsync(byte[] item, StoredEvent stored, CancellationToken stoppingToken) =>
        WithStoreRetryAsync(
            async () =>
            {
                var transaction = _db.CreateTransaction();
                _ = transaction.ListRemoveAsync(_processing, item, 1);
                _ = transaction.HashDeleteAsync(_deliveries, stored.ItemId);
                return await transaction.ExecuteAsync();
            },
            stoppingToken);

    private Task DeadLetterAsync(byte[] item, StoredEvent? stored, string error, int attempts, CancellationToken stoppingToken)
    {
        var entry = new DeadLetteredEvent(Encoding.UTF8.GetString(item), _dispatcher.Group, error, attempts, DateTimeOffset.UtcNow).Serialize();
        Log.DeadLettered(_logger, _dispatcher.Group, _dispatcher.Topic, attempts, error);
        return WithStoreRetryAsync(
            async () =>
            {
                // Moving to the dead-letter list and leaving processing happen together or not at all.
                var transaction = _db.CreateTransaction();
                _ = transaction.ListLeftPushAsync(_deadLetter, entry);
                _ = transaction.ListRemoveAsync(_processing, item, 1);
                if (stored is not null)
                {
                    _ = transaction.HashDeleteAsync(_deliveries, stored.ItemId);
                }

                return await transaction.ExecuteAsync();
            },
            stoppingToken);
    }

    /// <summary>
    /// Retries a store operation until it succeeds or shutdown: giving up would either lose the event or
    /// leave it stuck in the processing list until the next start.
    /// </summary>
    private async Task<T> WithStoreRetryAsync<T>(Func<Task<T>> operation, CancellationToken stoppingToken)
    {
        for (var failures = 1; ; failures++)
        {
            stoppingToken.ThrowIfCancellationRequested();
            try
            {
                return await operation();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Log.StoreUnavailable(_logger, ex, _dispatcher.Group, _dispatcher.Topic);
            }

            await Task.Delay(_retry.BackoffAfter(failures), stoppingToken);
        }
    }
}
