namespace Cloudy.EventBus.Kafka;

/// <summary>
/// Runs work items one key at a time and in posting order per key, different keys concurrently, with at most
/// <c>maxConcurrency</c> items running at once. Each key with pending items has its own queue and runner, so
/// a slow key holds back only itself: there is no shared lane that unrelated keys could hash into.
/// </summary>
/// <typeparam name="T">The work item.</typeparam>
internal sealed class KeyedWorkQueue<T> : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<T>> _pending = new(StringComparer.Ordinal);
    private readonly Func<T, CancellationToken, Task> _process;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _runners;
    private Exception? _fault;

    /// <summary>Creates the queue; nothing runs until items are posted.</summary>
    /// <param name="maxConcurrency">Items running at the same time, over all keys (at least 1).</param>
    /// <param name="process">
    /// Work for one item. An exception other than cancellation stops the queue and faults <see cref="Completion"/>.
    /// </param>
    /// <param name="stopping">Stops the queue; items not yet started are abandoned.</param>
    public KeyedWorkQueue(int maxConcurrency, Func<T, CancellationToken, Task> process, CancellationToken stopping)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        _process = process;
        _slots = new SemaphoreSlim(maxConcurrency, maxConcurrency);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>
    /// Completes after <see cref="Stop"/> once no item runs any more; faulted with the first error an item's
    /// work threw.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Fires when the queue stops: on the owner's token, on <see cref="Stop"/>, or because an item's work threw.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>Queues <paramref name="item"/> behind the earlier items of <paramref name="key"/>. Ignored once stopping.</summary>
    public void Post(string key, T item)
    {
        lock (_gate)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            if (_pending.TryGetValue(key, out var queue))
            {
                queue.Enqueue(item);
                return;
            }

            _pending.Add(key, new Queue<T>());
            _runners++;
        }

        _ = RunAsync(key, item);
    }

    /// <summary>Stops the queue; <see cref="Completion"/> follows when running items have returned.</summary>
    public void Stop()
    {
        _stop.Cancel();
        lock (_gate)
        {
            CompleteIfIdle();
        }
    }

    /// <summary>Frees the signals; call after <see cref="Completion"/>.</summary>
    public void Dispose()
    {
        _stop.Dispose();
        _slots.Dispose();
    }

    /// <summary>The runner of one key: works off its queue, then retires, so idle keys cost nothing.</summary>
    private async Task RunAsync(string key, T item)
    {
        // Off the poster's thread (the consumer's poll loop) before any work runs.
        await Task.Yield();
        var token = _stop.Token;
        try
        {
            while (true)
            {
                await _slots.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await _process(item, token).ConfigureAwait(false);
                }
                finally
                {
                    _slots.Release();
                }

                lock (_gate)
                {
                    if (!_pending[key].TryDequeue(out item!))
                    {
                        _pending.Remove(key);
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopping: this key's remaining items are abandoned (their offsets are not stored).
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _fault ??= ex;
            }

            await _stop.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _runners--;
                CompleteIfIdle();
            }
        }
    }

    // Under _gate.
    private void CompleteIfIdle()
    {
        if (_runners > 0 || !_stop.IsCancellationRequested)
        {
            return;
        }

        if (_fault is { } fault)
        {
            _completion.TrySetException(fault);
        }
        else
        {
            _completion.TrySetResult();
        }
    }
}
