namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>
/// The keyed work queue behind the consumer (no broker needed): one at a time and in order per key,
/// concurrent across keys, never more than the bound at once.
/// </summary>
public sealed class KeyedWorkQueueTests
{
    [Fact]
    public async Task Post_SameKey_ProcessedOneAtATimeInPostingOrder()
    {
        var seen = new List<int>();
        var gauge = new ConcurrencyGauge();
        using var queue = new KeyedWorkQueue<int>(8, async (item, _) =>
        {
            using (gauge.Enter())
            {
                await Task.Delay(1);
                lock (seen)
                {
                    seen.Add(item);
                }
            }
        }, CancellationToken.None);

        for (var i = 0; i < 50; i++)
        {
            queue.Post("account-1", i);
        }

        await WaitUntilAsync(() => Count(seen) == 50);
        Assert.Equal(Enumerable.Range(0, 50), seen);
        Assert.Equal(1, gauge.Max);
        await StopAsync(queue);
    }

    [Fact]
    public async Task Post_OneKeyBlocked_OtherKeysProceedAndBlockedKeyKeepsItsOrder()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new List<string>();
        using var queue = new KeyedWorkQueue<string>(4, async (item, _) =>
        {
            if (item == "slow-1")
            {
                await release.Task;
            }

            lock (done)
            {
                done.Add(item);
            }
        }, CancellationToken.None);

        queue.Post("slow", "slow-1");
        queue.Post("slow", "slow-2");
        queue.Post("fast", "fast-1");
        queue.Post("fast", "fast-2");

        await WaitUntilAsync(() => Count(done) == 2);
        Assert.Equal(["fast-1", "fast-2"], done);
        release.SetResult();
        await WaitUntilAsync(() => Count(done) == 4);
        Assert.Equal(["fast-1", "fast-2", "slow-1", "slow-2"], done);
        await StopAsync(queue);
    }

    [Fact]
    public async Task Post_MoreKeysThanSlots_RunsAtMostMaxConcurrencyAtOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gauge = new ConcurrencyGauge();
        var finished = 0;
        using var queue = new KeyedWorkQueue<int>(3, async (_, _) =>
        {
            using (gauge.Enter())
            {
                await release.Task;
            }

            Interlocked.Increment(ref finished);
        }, CancellationToken.None);

        for (var k = 0; k < 10; k++)
        {
            queue.Post($"key-{k}", k);
        }

        await WaitUntilAsync(() => gauge.Current == 3);
        await Task.Delay(50);
        Assert.Equal(3, gauge.Current);
        release.SetResult();
        await WaitUntilAsync(() => Volatile.Read(ref finished) == 10);
        Assert.Equal(3, gauge.Max);
        await StopAsync(queue);
    }

    [Fact]
    public async Task Completion_WorkThrows_StopsQueueAndFaultsWithThatError()
    {
        using var queue = new KeyedWorkQueue<int>(2, (_, _) => throw new InvalidOperationException("boom"), CancellationToken.None);

        queue.Post("k", 1);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.Completion.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("boom", error.Message);
        Assert.True(queue.Stopping.IsCancellationRequested);
    }

    [Fact]
    public async Task Stop_ItemRunning_CancelsItAndAbandonsItemsNotStarted()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new List<int>();
        using var queue = new KeyedWorkQueue<int>(1, async (item, ct) =>
        {
            lock (ran)
            {
                ran.Add(item);
            }

            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }, CancellationToken.None);
        queue.Post("k", 1);
        queue.Post("k", 2);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        queue.Stop();
        queue.Post("k", 3);

        await queue.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1], ran);
    }

    private static int Count<T>(List<T> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    private static async Task StopAsync<T>(KeyedWorkQueue<T> queue)
    {
        queue.Stop();
        await queue.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(5);
        }
    }
}
