using Cloudy.Store.Durability;
using Cloudy.Testing;
using StackExchange.Redis;

namespace Cloudy.Store.Tests;

/// <summary>The group commit of embedded Garnet, against Garnet hosted in the test process.</summary>
public sealed class GarnetCommitBarrierTests(GarnetFixture garnet) : IClassFixture<GarnetFixture>
{
    [RequirementsFact]
    public async Task WaitDurableAsync_ManyConcurrentCallers_ShareAFewCommits()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        using var barrier = new GarnetCommitBarrier(connection);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => barrier.WaitDurableAsync()));

        // One commit may already be running when the rest arrive; all of those share the next one.
        Assert.InRange(barrier.Commits, 1, 20);
    }

    [RequirementsFact]
    public async Task WaitDurableAsync_CalledAgainAfterACommit_IssuesANewCommit()
    {
        using var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        using var barrier = new GarnetCommitBarrier(connection);

        await barrier.WaitDurableAsync();
        await barrier.WaitDurableAsync();

        Assert.Equal(2, barrier.Commits);
    }

    [RequirementsFact]
    public async Task WaitDurableAsync_StoreUnreachable_FailsInsteadOfReportingDurable()
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{FreePort.Next()}");
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 200;
        options.AsyncTimeout = 500;
        using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        using var barrier = new GarnetCommitBarrier(connection);

        await Assert.ThrowsAnyAsync<Exception>(() => barrier.WaitDurableAsync());
        Assert.Equal(0, barrier.Commits);
    }

    [RequirementsFact]
    public async Task WaitDurableAsync_ConnectionDisposed_EveryCallerFailsAndNoneHangs()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        using var barrier = new GarnetCommitBarrier(connection);
        await barrier.WaitDurableAsync();
        await connection.DisposeAsync();

        // Not a Redis error: the first failure must not leave the commit loop marked as running with nobody to run it.
        await Assert.ThrowsAnyAsync<Exception>(() => barrier.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        var second = await Record.ExceptionAsync(() => barrier.WaitDurableAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.NotNull(second);
        Assert.IsNotType<TimeoutException>(second);
        Assert.Equal(1, barrier.Commits);
    }
}
