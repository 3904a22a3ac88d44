namespace Cloudy.EventBus;

/// <summary>
/// Bounded retries with exponential backoff for a failing handler; after <see cref="MaxAttempts"/>
/// the adapter dead-letters the event. Shared so every adapter keeps the same contract.
/// </summary>
public sealed record EventRetryPolicy
{
    /// <summary>How many times a handler is invoked for one event before it is dead-lettered (at least 1).</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait after the first failure; doubles after each further failure.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one wait.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failure (1-based).</summary>
    public TimeSpan BackoffAfter(int failedAttempts)
    {
        var factor = Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 30));
        var ticks = Math.Min(InitialBackoff.Ticks * factor, MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Upper bound of the time one event can spend in retries (sleeps only).</summary>
    public TimeSpan WorstCaseBackoff =>
        TimeSpan.FromTicks(Enumerable.Range(1, Math.Max(MaxAttempts - 1, 0)).Sum(i => BackoffAfter(i).Ticks));

    /// <summary>
    /// Runs <paramref name="action"/> up to <see cref="MaxAttempts"/> times.
    /// </summary>
    /// <returns>The outcome: success, or the last failure and the attempt count.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (shutdown):
    /// the event is neither acknowledged nor dead-lettered, so it is delivered again later.</exception>
    public async Task<RetryOutcome> ExecuteAsync(
        Func<CancellationToken, Task> action,
        Action<int, Exception>? onFailure,
        CancellationToken cancellationToken)
    {
        var maxAttempts = Math.Max(MaxAttempts, 1);
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await action(cancellationToken);
                return new RetryOutcome(attempt, null);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A handler may fail in any way; every failure counts as an attempt.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                onFailure?.Invoke(attempt, ex);
                if (attempt >= maxAttempts)
                {
                    return new RetryOutcome(attempt, ex);
                }
            }

            await Task.Delay(BackoffAfter(attempt), cancellationToken);
        }
    }
}

/// <summary>The result of <see cref="EventRetryPolicy.ExecuteAsync"/>.</summary>
/// <param name="Attempts">How many times the action ran.</param>
/// <param name="LastError">The final failure, or <c>null</c> when the action succeeded.</param>
public sealed record RetryOutcome(int Attempts, Exception? LastError)
{
    /// <summary>Whether the action eventually succeeded.</summary>
    public bool Succeeded => LastError is null;

    /// <summary>A short description of the failure for dead-letter metadata (type and message, bounded).</summary>
    public string? ErrorDescription => LastError is null ? null : Describe(LastError);

    /// <summary>Type and message of <paramref name="error"/>, cut to 1,000 characters.</summary>
    public static string Describe(Exception error)
    {
        var text = $"{error.GetType().FullName}: {error.Message}";
        return text.Length <= 1000 ? text : text[..1000];
    }
}
