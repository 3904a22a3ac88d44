using System.Globalization;
using System.Text.Json;
using Cloudy.Contracts;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// One consumer-group member for one topic. A poll thread takes records from Kafka and queues each behind the
/// earlier records of its key (<see cref="KeyedWorkQueue{T}"/>), so a key's records are handled one at a time
/// and in order (Kafka's order guarantee is per key) while other keys run concurrently, up to
/// <see cref="KafkaOptions.MaxConcurrency"/> records at once. A record is done when handled, skipped as
/// unknown, or written to the dead-letter topic; a partition's offset is stored only over the contiguous
/// prefix of done records (<see cref="OffsetProgress"/>), and librdkafka commits stored offsets in the
/// background and on close/revoke. Anything not stored is delivered again: at-least-once.
/// </summary>
internal sealed class KafkaTopicConsumer
{
    // How often a revoke re-checks whether the revoked partitions' records have finished.
    private static readonly TimeSpan _drainPoll = TimeSpan.FromMilliseconds(5);

    private readonly EventDispatcher _dispatcher;
    private readonly KafkaOptions _options;
    private readonly EventRetryPolicy _retry;
    private readonly KafkaProducer _producer;
    private readonly ILogger _logger;
    private readonly OffsetProgress _progress = new();
    private readonly SemaphoreSlim _window;

    public KafkaTopicConsumer(EventDispatcher dispatcher, KafkaOptions options, KafkaProducer producer, ILogger logger)
    {
        _dispatcher = dispatcher;
        _options = options;
        _retry = options.RetryPolicy;
        _producer = producer;
        _logger = logger;
        _window = new SemaphoreSlim(Math.Max(1, options.MaxInFlight));
    }

    private string Topic => _dispatcher.Topic;

    private string Group => _dispatcher.Group;

    /// <summary>Runs the poll loop on a dedicated thread (Consume blocks) until <paramref name="stoppingToken"/> fires.</summary>
    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        KeyedWorkQueue<Work>? work = null;
        using var consumer = new ConsumerBuilder<string, byte[]>(_options.ToConsumerConfig(Group))
            .SetErrorHandler((_, e) => Log.ClientError(_logger, e.Code, e.IsFatal, e.Reason))
            .SetLogHandler((_, m) => KafkaClientLog.Write(_logger, m))
            .SetPartitionsAssignedHandler((_, p) => Log.Rebalanced(_logger, Group, "assigned", string.Join(',', p)))
            .SetPartitionsRevokedHandler((_, p) => Release(p, "revoked", work))
            .SetPartitionsLostHandler((_, p) => Release(p, "lost", work))
            .Build();
        // The queue stops on shutdown, or when an item faults (an unexpected error, not a handler failure, which
        // is retried and dead-lettered): the consumer then stops as a whole rather than run on without that key.
        using (work = new KeyedWorkQueue<Work>(Math.Max(1, _options.MaxConcurrency), (item, ct) => HandleAsync(consumer, item, ct), stoppingToken))
        {
            consumer.Subscribe(Topic);
            Log.ConsumerStarted(_logger, Group, Topic);
            try
            {
                Poll(consumer, work);
            }
            finally
            {
                work.Stop();
                try
                {
                    // Nothing may store an offset after Close; a faulted item's error surfaces here.
                    work.Completion.GetAwaiter().GetResult();
                }
                finally
                {
                    // Commits the stored offsets and leaves the group, so a successor takes over at once.
                    consumer.Close();
                    Log.ConsumerStopped(_logger, Group, Topic);
                }
            }
        }
    }

    /// <summary>Takes records and queues each under its key, at most <see cref="KafkaOptions.MaxInFlight"/> unfinished.</summary>
    private void Poll(IConsumer<string, byte[]> consumer, KeyedWorkQueue<Work> work)
    {
        var stopping = work.Stopping;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                _window.Wait(stopping);
                var result = Consume(consumer, stopping);
                if (result is null || result.IsPartitionEOF)
                {
                    _window.Release();
                    continue;
                }

                var record = _progress.Begin(result.TopicPartitionOffset);
                // A record without a key is ordered only by its partition.
                var key = result.Message.Key ?? NullKeyOf(result.Partition);
                work.Post(key, new Work(result, record));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutdown (or a faulted item, rethrown by the caller): unfinished records were not stored and
            // will be delivered again.
        }
    }

    private static string NullKeyOf(Partition partition) => "\0partition-" + partition.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Handles one record in its key's turn, then marks it done and stores what became contiguous.</summary>
    private async Task HandleAsync(IConsumer<string, byte[]> consumer, Work work, CancellationToken stoppingToken)
    {
        var started = KafkaConsumerMetrics.Started(work.Result, Group);
        await ProcessAsync(work.Result, stoppingToken).ConfigureAwait(false);
        KafkaConsumerMetrics.Done(started, Topic, Group);
        _progress.Complete(work.Record, offset => StoreOffset(consumer, offset));
        _window.Release();
    }

    /// <summary>
    /// Partitions leave this member (on the poll thread, inside Consume). Waits until their taken records have
    /// finished, so their offsets are stored before librdkafka commits on revoke and no record of a key still
    /// runs here when the partition's next owner starts on the key's following records.
    /// </summary>
    private void Release(List<TopicPartitionOffset> partitions, string change, KeyedWorkQueue<Work>? work)
    {
        Log.Rebalanced(_logger, Group, change, string.Join(',', partitions));
        var gone = partitions.Select(p => p.TopicPartition).ToList();
        while (_progress.Pending(gone) > 0 && work is { Completion.IsCompleted: false })
        {
            Thread.Sleep(_drainPoll);
        }

        _progress.Forget(gone);
    }

    private ConsumeResult<string, byte[]>? Consume(IConsumer<string, byte[]> consumer, CancellationToken stoppingToken)
    {
        try
        {
            return consumer.Consume(stoppingToken);
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            // E.g. the topic does not exist yet; librdkafka keeps retrying underneath.
            Log.ConsumeError(_logger, Group, Topic, ex.Error.Reason);
            return null;
        }
    }

    private void StoreOffset(IConsumer<string, byte[]> consumer, TopicPartitionOffset offset)
    {
        try
        {
            consumer.StoreOffset(offset);
        }
        catch (KafkaException ex)
        {
            // The partition moved to another member in a rebalance; it resumes from the last
            // committed offset and handles these records again (at-least-once).
            Log.StoreOffsetFailed(_logger, offset.Topic, offset.Partition.Value, offset.Offset.Value, ex.Error.Reason);
        }
    }

    /// <summary>A record taken from Kafka and its place in <see cref="OffsetProgress"/>.</summary>
    private sealed record Work(ConsumeResult<string, byte[]> Result, InFlightRecord Record);

    /// <summary>Completes when the record may be acknowledged; throws only on shutdown.</summary>
    private async Task ProcessAsync(ConsumeResult<string, byte[]> result, CancellationToken stoppingToken)
    {
        var headers = result.Message.Headers;
        var typeHeader = KafkaHeaders.GetString(headers, KafkaHeaders.EventType);
        if (typeHeader is not null && !_dispatcher.Handles(typeHeader))
        {
            Log.Skipped(_logger, Group, typeHeader, result.Topic, result.Partition.Value, result.Offset.Value);
            return;
        }

        EventEnvelope envelope;
        IntegrationEvent? @event;
        try
        {
            envelope = EventSerializer.DeserializeEnvelope(result.Message.Value);
            @event = _dispatcher.Resolve(envelope);
        }
        catch (JsonException ex)
        {
            // Unreadable: retrying cannot help, but skipping silently would lose it.
            await DeadLetterAsync(result, RetryOutcome.Describe(ex), attempts: 0, stoppingToken);
            return;
        }

        if (@event is null)
        {
            Log.Skipped(_logger, Group, envelope.Type, result.Topic, result.Partition.Value, result.Offset.Value);
            return;
        }

        using var activity = EventBusTracing.StartProcess(
            KafkaEventBus.Source,
            KafkaEventBus.MessagingSystem,
            Topic,
            Group,
            envelope,
            KafkaHeaders.GetString(headers, EventBusTracing.TraceParentHeader),
            KafkaHeaders.GetString(headers, EventBusTracing.TraceStateHeader));
        activity?.SetTag("messaging.destination.partition.id", result.Partition.Value.ToString(CultureInfo.InvariantCulture))
            .SetTag("messaging.kafka.offset", result.Offset.Value);

        var outcome = await _retry.ExecuteAsync(
            ct => _dispatcher.DispatchAsync(@event, ct),
            (attempt, error) => Log.HandlerFailed(_logger, error, Group, envelope.Id, envelope.Type, attempt),
            stoppingToken);
        if (outcome.Succeeded)
        {
            return;
        }

        EventBusTracing.RecordError(activity, outcome.LastError!);
        await DeadLetterAsync(result, outcome.ErrorDescription!, outcome.Attempts, stoppingToken);
    }

    /// <summary>
    /// Copies the record (key, value, headers) to <c>&lt;topic&gt;.dlq</c> with the failure in headers;
    /// retries until Kafka acknowledges it, since storing the offset without it would drop the event.
    /// </summary>
    private async Task DeadLetterAsync(ConsumeResult<string, byte[]> result, string error, int attempts, CancellationToken stoppingToken)
    {
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.AddString(KafkaHeaders.DeadLetterError, error)
            .AddString(KafkaHeaders.DeadLetterAttempts, attempts.ToString(CultureInfo.InvariantCulture))
            .AddString(KafkaHeaders.DeadLetterGroup, Group)
            .AddString(KafkaHeaders.DeadLetterTopic, result.Topic)
            .AddString(KafkaHeaders.DeadLetterPartition, result.Partition.Value.ToString(CultureInfo.InvariantCulture))
            .AddString(KafkaHeaders.DeadLetterOffset, result.Offset.Value.ToString(CultureInfo.InvariantCulture))
            .AddString(KafkaHeaders.DeadLetterFailedAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        var message = new Message<string, byte[]> { Key = result.Message.Key, Value = result.Message.Value, Headers = headers };

        for (var failures = 1; ; failures++)
        {
            try
            {
                await _producer.ProduceAsync(Topics.DeadLetter(result.Topic), message, stoppingToken);
                Log.DeadLettered(_logger, Group, result.Topic, result.Partition.Value, result.Offset.Value, attempts, error);
                return;
            }
            catch (KafkaException ex)
            {
                Log.DeadLetterFailed(_logger, ex, result.Topic, result.Partition.Value, result.Offset.Value);
            }

            await Task.Delay(_retry.BackoffAfter(failures), stoppingToken);
        }
    }
}
