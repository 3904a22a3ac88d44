using StackExchange.Redis;

namespace Cloudy.Store.Durability;

/// <summary>
/// Group commit for embedded Garnet, which runs without <c>--aof-commit-wait</c>: replies come before the append-only
/// file is flushed, and callers that need durability wait here. One <c>COMMITAOF</c> (which returns once the flush
/// reached the disk) is in flight at a time; everyone who asks while it runs shares the next one. So a burst of
/// concurrent requests costs one fsync, not one each.
/// </summary>
/// <remarks>
/// Why not Garnet's own commit-wait: it blocks the connection's thread for a flush after every command, and inside
/// Lua scripts after every <c>redis.call</c> that writes, so a seven-write mailbox script waited for seven flushes
/// while every other command on the shared connection queued behind it. The append-only file is a single ordered
/// log, so a commit also covers every earlier write of other connections.
/// </remarks>
public sealed class GarnetCommitBarrier : IStoreDurability, IDisposable
{
    private readonly IConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly Lock _gate = new();
    private TaskCompletionSource? _waiting;
    private bool _running;

    /// <summary>
    /// Commits through <paramref name="connection"/>. Give it a connection of its own: a commit holds its connection
    /// on the server for the duration of a flush, and other commands on it would wait that long.
    /// </summary>
    public GarnetCommitBarrier(IConnectionMultiplexer connection, bool ownsConnection = false)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
    }

    /// <summary>Flushes completed so far (for tests and metrics).</summary>
    public long Commits { get; private set; }

    /// <inheritdoc />
    public Task WaitDurableAsync(CancellationToken cancellationToken = default)
    {
        Task commit;
        lock (_gate)
        {
            // A commit already running may have been issued before the caller's write: wait for the next one.
            _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            commit = _waiting.Task;
            if (!_running)
            {
                _running = true;
                _ = Task.Run(CommitLoopAsync, CancellationToken.None);
            }
        }

        return commit.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }

    private async Task CommitLoopAsync()
    {
        while (true)
        {
            TaskCompletionSource batch;
            lock (_gate)
            {
                if (_waiting is null)
                {
                    _running = false;
                    return;
                }

                batch = _waiting;
                _waiting = null;
            }

            try
            {
                await _connection.GetDatabase().ExecuteAsync("COMMITAOF").ConfigureAwait(false);
                Commits++;
                batch.SetResult();
            }
            catch (Exception ex)
            {
                // Not known to be durable: the callers must not acknowledge their writes. Any exception (a disposed
                // connection at shutdown included) fails only this batch: the loop must go on, or it would stay
                // marked as running and every later caller would wait forever.
                batch.SetException(ex);
            }
        }
    }
}
