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
}

/// <summary>The barrier alone, not Garnet's background flush, is what makes acknowledged writes survive.</summary>
public sealed class GarnetCommitBarrierCrashTests
{
    [RequirementsFact]
    public async Task WaitDurableAsync_BackgroundFlushOff_WritesSurviveSigkill()
    {
        using var directory = new TempDirectory("garnet-barrier-crash");
        var keys = Enumerable.Range(0, 300).Select(i => (RedisKey)KeySpace.Delivery.Account("barrier", "m", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

        var port = FreePort.Next();
        await using (var first = await GarnetHostProgram.StartAsync(directory.Path, port, commitIntervalMs: 600_000))
        {
            using var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
            var db = connection.GetDatabase();
            Assert.All(await Task.WhenAll(keys.Select((k, i) => db.StringSetAsync(k, $"v{i}"))), Assert.True);
            using var barrier = new GarnetCommitBarrier(connection);
            await barrier.WaitDurableAsync();

            first.Kill();
        }

        var restartPort = FreePort.Next();
        await using var second = await GarnetHostProgram.StartAsync(directory.Path, restartPort);
        using var reconnected = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{restartPort}");
        var values = await reconnected.GetDatabase().StringGetAsync(keys);
        Assert.Equal(keys.Select((_, i) => $"v{i}"), values.Select(v => v.ToString()));
    }
}
