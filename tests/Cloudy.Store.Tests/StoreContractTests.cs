using Cloudy.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Cloudy.Store.Tests;

/// <summary>
/// The store behaviour Cloudy relies on, run against every backend (one derived class per server).
/// Each test uses fresh random account ids so tests sharing a server do not see each other's keys.
/// </summary>
public abstract class StoreContractTests<TServer>(TServer server) : IClassFixture<TServer>
    where TServer : class, IStoreServer
{
    private IDatabase Db => server.Connection.GetDatabase();

    /// <summary>Starts this backend as a separate process on <paramref name="port"/>, files in <paramref name="directory"/>.</summary>
    protected abstract Task<TestProcess> StartServerProcessAsync(string directory, int port);

    /// <summary>
    /// What a service does before acknowledging writes to a client (see <c>IStoreDurability</c>): nothing for a store
    /// that flushes before each reply, an explicit group commit for embedded Garnet.
    /// </summary>
    protected virtual Task WaitDurableAsync(IConnectionMultiplexer connection) => Task.CompletedTask;

    [RequirementsFact]
    public async Task DeleteAccountKeys_SeededAccounts_RemovesOnlyThatAccountsKeysInThatKeySpace()
    {
        var account = NewAccountId();
        var similar = account + "x";   // shares the prefix: must not match the hash-tag pattern
        var other = NewAccountId();
        var purged = new RedisKey[] { KeySpace.KeyDirectory.Account(account), KeySpace.KeyDirectory.Account(account, "identity"), KeySpace.KeyDirectory.Account(account, "otk", "1") };
        var kept = new RedisKey[] { KeySpace.KeyDirectory.Account(similar, "identity"), KeySpace.KeyDirectory.Account(other, "identity"), KeySpace.Delivery.Account(account, "mailbox") };
        foreach (var key in purged.Concat(kept))
        {
            Assert.True(await Db.StringSetAsync(key, "v"));
        }

        var deleted = await server.Connection.DeleteAccountKeysAsync(KeySpace.KeyDirectory, account);

        Assert.Equal(purged.Length, deleted);
        Assert.Equal(0, await Db.KeyExistsAsync(purged));
        Assert.Equal(kept.Length, await Db.KeyExistsAsync(kept));
    }

    [RequirementsFact]
    public async Task DeleteAccountKeys_CalledTwice_SecondCallDeletesNothing()
    {
        var account = NewAccountId();
        await Db.SetAddAsync(KeySpace.Presence.Account(account, "allow"), "someone");

        Assert.Equal(1, await server.Connection.DeleteAccountKeysAsync(KeySpace.Presence, account));
        Assert.Equal(0, await server.Connection.DeleteAccountKeysAsync(KeySpace.Presence, account));
    }

    [RequirementsFact]
    public async Task DeleteAccountKeys_MoreKeysThanOneScanPage_DeletesAll()
    {
        var account = NewAccountId();
        var keys = Enumerable.Range(0, 700).Select(i => (RedisKey)KeySpace.Delivery.Account(account, "m", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        await Task.WhenAll(keys.Select(k => Db.StringSetAsync(k, "ciphertext")));

        Assert.Equal(keys.Length, await server.Connection.DeleteAccountKeysAsync(KeySpace.Delivery, account));
        Assert.Equal(0, await Db.KeyExistsAsync(keys));
    }

    [RequirementsFact]
    public async Task AccountKeys_TransactionWithCondition_CommitsBothOrNeither()
    {
        var account = NewAccountId();
        var count = KeySpace.KeyDirectory.Account(account, "count");
        var list = KeySpace.KeyDirectory.Account(account, "otk");

        var first = Db.CreateTransaction();
        first.AddCondition(Condition.KeyNotExists(count));
        _ = first.StringSetAsync(count, 1);
        _ = first.ListRightPushAsync(list, "k1");
        Assert.True(await first.ExecuteAsync());

        var second = Db.CreateTransaction();
        second.AddCondition(Condition.KeyNotExists(count));   // fails: count exists now
        _ = second.ListRightPushAsync(list, "k2");
        Assert.False(await second.ExecuteAsync());

        Assert.Equal(["k1"], (await Db.ListRangeAsync(list)).Select(v => v.ToString()));
    }

    [RequirementsFact]
    public async Task LuaScript_PopFromAccountList_RunsAtomically()
    {
        var account = NewAccountId();
        var list = KeySpace.KeyDirectory.Account(account, "otk");
        await Db.ListRightPushAsync(list, ["a", "b"]);

        var popped = await Db.ScriptEvaluateAsync("local v = redis.call('LPOP', KEYS[1]); redis.call('SET', KEYS[2], v); return v",
            [list, KeySpace.KeyDirectory.Account(account, "last")]);

        Assert.Equal("a", popped.ToString());
        Assert.Equal("a", (await Db.StringGetAsync(KeySpace.KeyDirectory.Account(account, "last"))).ToString());
    }

    [RequirementsFact]
    public async Task AddCloudyStore_ConnectionConfigured_ReadyCheckHealthyAndConnected()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Store:Connection"] = server.ConnectionString });
        builder.AddCloudyStore();
        using var host = builder.Build();
        await host.StartAsync();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"));
        var key = KeySpace.Identity.Key("probe", NewAccountId());
        await host.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().StringSetAsync(key, "via-di");

        Assert.Equal(HealthStatus.Healthy, report.Entries[StoreHealthCheck.Name].Status);
        Assert.Equal("via-di", (await Db.StringGetAsync(key)).ToString());
        await host.StopAsync();
    }

    [RequirementsFact]
    public async Task AcknowledgedWrites_ServerProcessKilledHard_AllSurviveRestart()
    {
        using var directory = new TempDirectory($"{server.Name}-crash");
        var account = NewAccountId();
        var keys = Enumerable.Range(0, 500).Select(i => (RedisKey)KeySpace.Delivery.Account(account, "m", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();

        var port = FreePort.Next();
        await using (var first = await StartServerProcessAsync(directory.Path, port))
        {
            await using var connection = await ConnectToAsync(port);
            var db = connection.GetDatabase();
            // Pipelined, so many writes are in flight together; each is awaited = acknowledged by the server.
            var acknowledged = await Task.WhenAll(keys.Select((k, i) => db.StringSetAsync(k, $"envelope-{i}")));
            Assert.All(acknowledged, Assert.True);
            Assert.Equal(keys.Length, await db.HashIncrementAsync(KeySpace.Delivery.Account(account, "count"), "n", keys.Length));
            await WaitDurableAsync(connection);

            first.Kill();   // SIGKILL straight after the last acknowledgement: no shutdown, no flush on exit
            Assert.True(first.HasExited);
        }

        var restartPort = FreePort.Next();
        await using var second = await StartServerProcessAsync(directory.Path, restartPort);
        await using var reconnected = await ConnectToAsync(restartPort);
        var values = await reconnected.GetDatabase().StringGetAsync(keys);
        Assert.Equal(keys.Select((_, i) => $"envelope-{i}"), values.Select(v => v.ToString()));
        Assert.Equal(keys.Length, (long)await reconnected.GetDatabase().HashGetAsync(KeySpace.Delivery.Account(account, "count"), "n"));
    }

    private static string NewAccountId() => Guid.NewGuid().ToString("N");

    // Generous timeouts: a freshly started server process (cold JIT, AOF replay) on a busy machine can need more
    // than the 5 s defaults to answer the handshake or a group commit (an fsync).
    private static Task<ConnectionMultiplexer> ConnectToAsync(int port) =>
        ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},connectTimeout=30000,asyncTimeout=30000,syncTimeout=30000");
}
