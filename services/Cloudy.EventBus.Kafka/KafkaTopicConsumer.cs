using System.Globalization;
using System.Text.Json;
using Cloudy.Contracts;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// One consumer-group member for one topic. Records are handled one at a time per member, so the
/// order of a key (a partition) is kept. An offset is stored only once its record is done: handled,
/// skipped as unknown, or written to the dead-letter topic; librdkafka commits stored offsets in the
/// background and on close/revoke. Anything not stored is delivered again: at-least-once.
/// </summary>
internal sealed class KafkaTopicConsumer
{
    private readonly EventDispatcher _dispatcher;
    private readonly KafkaOptions _options;
    private readonly EventRetryPolicy _retry;
    private readonly KafkaProducer _producer;
    private readonly ILogger _logger;

    public KafkaTopicConsumer(EventDispatcher dispatcher, KafkaOptions options, KafkaProducer producer, ILogger logger)
    {
        _dispatcher = dispatcher;
        _options = options;
        _retry = options.RetryPolicy;
        _producer = producer;
        _logger = logger;
    }

    private string Topic => _dispatcher.Topic;

    private string Group => _dispatcher.Group;

    /// <summary>Runs the poll loop on a dedicated thread (Consume blocks) until <paramref name="stoppingToken"/> fires.</summary>
    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(_options.ToConsumerConfig(Group))
            .SetErrorHandler((_, e) => Log.ClientError(_logger, e.Code, e.IsFatal, e.Reason))
            .SetLogHandler((_, m) => KafkaClientLog.Write(_logger, m))
            .SetPartitionsAssignedHandler((_, p) => Log.Rebalanced(_logger, Group, "assigned", string.Join(',', p)))
            .SetPartitionsRevokedHandler((_, p) => Log.Rebalanced(_logger, Group, "revoked", string.Join(',', p)))
            .SetPartitionsLostHandler((_, p) => Log.Rebalanced(_logger, Group, "lost", string.Join(',', p)))
            .Build();
        consumer.Subscribe(Topic);
        Log.ConsumerStarted(_logger, Group, Topic);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var result = Consume(consumer, stoppingToken);
                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                // Blocking is fine: this is the consumer's own thread and records are handled in order anyway.
                ProcessAsync(result, stoppingToken).GetAwaiter().GetResult();
                StoreOffset(consumer, result);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: the record in hand (if any) was not stored and will be delivered again.
        }
        finally
        {
            // Commits the stored offsets and leaves the group, so a successor takes over at once.
            consumer.Close();
            Log.ConsumerStopped(_logger, Group, Topic);
        }
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

    private void StoreOffset(IConsumer<string, byte[]> consumer, ConsumeResult<string, byte[]> result)
    {
        try
        {
            consumer.StoreOffset(result);
        }
        catch (KafkaException ex)
        {
            // The partition moved to another member in a rebalance; it resumes from the last
            // committed offset and handles this record again (at-least-once).
            Log.StoreOffsetFailed(_logger, result.Topic, result.Partition.Value, result.Offset.Value, ex.Error.Reason);
        }
    }

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
