using Cloudy.Presence.Domain;

namespace Cloudy.Presence.Handlers;

/// <summary>
/// Finds accounts whose heartbeats lapsed (a crashed delivery instance never sends their disconnects) and marks
/// them offline, so their watchers are told. Runs on every presence instance; the sweep script is atomic, so only
/// one of them reports each transition.
/// </summary>
internal sealed partial class PresenceSweeper(IServiceScopeFactory scopes, PresenceOptions options, ILogger<PresenceSweeper> logger)
    : BackgroundService
{
    private const int Batch = 256;
    private const int MaxBatchesPerTick = 8;   // bounds one tick's work; the rest waits for the next

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var tracker = scope.ServiceProvider.GetRequiredService<PresenceTracker>();
                // A full batch means more may be due.
                for (var i = 0; i < MaxBatchesPerTick && await tracker.SweepAsync(Batch, stoppingToken).ConfigureAwait(false) == Batch; i++)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The store or bus is down: try again next tick; the index keeps what is due.
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence sweep failed; retrying next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception error);
}
