namespace Cloudy.EventBus.InProcess;

/// <summary>Tuning of the in-process bus (defaults suit the embedded host).</summary>
public sealed record InProcessBusOptions
{
    /// <summary>Handler attempts per delivery before the event is dead-lettered.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait after the first handler failure; doubles each retry.</summary>
    public TimeSpan RetryInitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one retry wait.</summary>
    public TimeSpan RetryMaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many times one event may be taken from its queue. More deliveries than this mean the process
    /// stopped repeatedly while handling it (a crash loop), so it is dead-lettered instead of tried again.
    /// </summary>
    public int MaxDeliveries { get; init; } = 5;

    /// <summary>
    /// How often an idle worker looks at its queue without being woken. Publishing wakes it at once; the
    /// poll only bounds the delay for items that arrive otherwise (recovery, store failover).
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Most events one worker takes from its queue at once. Events of one batch with different keys are handled
    /// concurrently, so this also bounds a group's concurrency; 1 restores strictly one-at-a-time handling.
    /// </summary>
    public int MaxBatchSize { get; init; } = 128;

    /// <summary>The retry policy these options describe.</summary>
    public EventRetryPolicy RetryPolicy => new()
    {
        MaxAttempts = MaxAttempts,
        InitialBackoff = RetryInitialBackoff,
        MaxBackoff = RetryMaxBackoff,
    };
}
