using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Cloudy.EventBus.InProcess;

/// <summary>
/// The single worker of one group on one topic. It takes up to <see cref="InProcessBusOptions.MaxBatchSize"/>
/// of the oldest events at once (a script moves them into the group's processing list), handles them, and
/// removes them from the processing list only afterwards, so events taken by a process that dies are still in
/// the store; on start, processing items go back to the front of the queue.
/// </summary>
/// <remarks>
/// Why batches: handling one event at a time made throughput the inverse of a handful of sequential store
/// round trips (about 400 events/s), and every hop between threads cost more CPU than the work itself. Within
/// a batch, events with different keys run concurrently and events with the same key run in publish order,
/// which is the ordering guarantee Kafka gives per partition key; batches themselves run one after another.
/// Only non-blocking commands are used (the multiplexer is shared); an idle worker sleeps on an in-memory
/// signal with a slow poll as backstop.
/// </remarks>
internal sealed class GroupWorker
{
    /// <summary>KEYS: ready, processing. ARGV: max count. Moves up to max oldest items, returning them oldest first.</summary>
    private const string TakeScript = """
        local out = {}
        for i = 1, tonumber(ARGV[1]) do
          local item = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
          if not item then break end
          out[i] = item
        end
        return out
        """;

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
                var items = await WithStoreRetryAsync(TakeAsync, stoppingToken);
                if (items.Length == 0)
                {
                    await _signal.WaitAsync(_options.PollInterval, stoppingToken);
                    continue;
                }

                await ProcessBatchAsync(items, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown. Events being handled stay in the processing list and are recovered on next start.
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

    private async Task<byte[][]> TakeAsync()
    {
        var result = await _db.ScriptEvaluateAsync(TakeScript, [_ready, _processing], [Math.Max(1, _options.MaxBatchSize)]);
        return result.IsNull ? [] : [.. ((RedisResult[])result!).Select(r => (byte[])r!)];
    }

    private async Task ProcessBatchAsync(byte[][] items, CancellationToken stoppingToken)
    {
        var slots = new BatchSlot[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            slots[i] = BatchSlot.Parse(items[i]);
        }

        await CountDeliveriesAsync(slots, stoppingToken);

        // Same key: in order, one after another. Different keys: concurrently.
        var chains = slots.Where(s => s.IsPending)
            .GroupBy(s => s.Stored!.Envelope.Key, StringComparer.Ordinal)
            .Select(chain => RunChainAsync(chain, stoppingToken));
        await Task.WhenAll(chains);
        stoppingToken.ThrowIfCancellationRequested();

        await CompleteAsync(slots, stoppingToken);
    }

    /// <summary>Counts one more delivery for every readable item (one round trip); over the limit means a crash loop.</summary>
    private async Task CountDeliveriesAsync(BatchSlot[] slots, CancellationToken stoppingToken)
    {
        var readable = slots.Where(s => s.IsPending).ToArray();
        if (readable.Length == 0)
        {
            return;
        }

        var counts = await WithStoreRetryAsync(
            async () =>
            {
                var batch = _db.CreateBatch();
                var pending = readable.Select(s => batch.HashIncrementAsync(_deliveries, s.Stored!.ItemId)).ToArray();
                batch.Execute();
                return await Task.WhenAll(pending);
            },
            stoppingToken);
        for (var i = 0; i < readable.Length; i++)
        {
            if (counts[i] > _options.MaxDeliveries)
            {
                readable[i].DeadLetter($"Delivery limit exceeded: taken {counts[i]} times; the process stopped while handling it each time.", 0);
            }
        }
    }

    private async Task RunChainAsync(IEnumerable<BatchSlot> chain, CancellationToken stoppingToken)
    {
        foreach (var slot in chain)
        {
            stoppingToken.ThrowIfCancellationRequested();
            await HandleAsync(slot, stoppingToken);
        }
    }

    private async Task HandleAsync(BatchSlot slot, CancellationToken stoppingToken)
    {
        var stored = slot.Stored!;
        var envelope = stored.Envelope;
        Contracts.IntegrationEvent? @event;
        try
        {
            @event = _dispatcher.Resolve(envelope);
        }
        catch (JsonException ex)
        {
            slot.DeadLetter(RetryOutcome.Describe(ex), 0);
            return;
        }

        if (@event is null)
        {
            slot.Complete();
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
            slot.Complete();
            return;
        }

        EventBusTracing.RecordError(activity, outcome.LastError!);
        slot.DeadLetter(outcome.ErrorDescription!, outcome.Attempts);
    }

    /// <summary>
    /// Leaves the processing list for the whole batch in one transaction: dead letters are pushed, every item
    /// is removed and its delivery counter dropped, all together or not at all.
    /// </summary>
    private Task CompleteAsync(BatchSlot[] slots, CancellationToken stoppingToken)
    {
        var now = DateTimeOffset.UtcNow;
        var deadLetters = slots.Where(s => s.Error is not null)
            .Select(s =>
            {
                Log.DeadLettered(_logger, _dispatcher.Group, _dispatcher.Topic, s.Attempts, s.Error!);
                return (RedisValue)new DeadLetteredEvent(Encoding.UTF8.GetString(s.Item), _dispatcher.Group, s.Error!, s.Attempts, now).Serialize();
            })
            .ToArray();
        var itemIds = slots.Where(s => s.Stored is not null).Select(s => (RedisValue)s.Stored!.ItemId).ToArray();
        return WithStoreRetryAsync(
            async () =>
            {
                var transaction = _db.CreateTransaction();
                if (deadLetters.Length > 0)
                {
                    _ = transaction.ListLeftPushAsync(_deadLetter, deadLetters);
                }

                foreach (var slot in slots)
                {
                    _ = transaction.ListRemoveAsync(_processing, slot.Item, 1);
                }

                if (itemIds.Length > 0)
                {
                    _ = transaction.HashDeleteAsync(_deliveries, itemIds);
                }

                return await transaction.ExecuteAsync();
            },
            stoppingToken);
    }

    /// <summary>
    /// Retries a store operation until it succeeds or shutdown: giving up would either lose the events or
    /// leave them stuck in the processing list until the next start.
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

    /// <summary>One taken item and what became of it in this batch.</summary>
    private sealed class BatchSlot(byte[] item, StoredEvent? stored)
    {
        public byte[] Item { get; } = item;

        /// <summary>The parsed item, or null when it could not be read.</summary>
        public StoredEvent? Stored { get; } = stored;

        /// <summary>True until the item is handled or dead-lettered.</summary>
        public bool IsPending { get; private set; } = true;

        public string? Error { get; private set; }

        public int Attempts { get; private set; }

        public static BatchSlot Parse(byte[] item)
        {
            try
            {
                return new BatchSlot(item, StoredEvent.Deserialize(item));
            }
            catch (JsonException ex)
            {
                var slot = new BatchSlot(item, null);
                slot.DeadLetter(RetryOutcome.Describe(ex), 0);
                return slot;
            }
        }

        public void Complete() => IsPending = false;

        public void DeadLetter(string error, int attempts)
        {
            IsPending = false;
            Error = error;
            Attempts = attempts;
        }
    }
}
