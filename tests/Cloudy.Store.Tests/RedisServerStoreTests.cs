using Cloudy.Testing;

namespace Cloudy.Store.Tests;

/// <summary>The store contract against Debian's redis-server (skipped with a reason when it is not installed).</summary>
[RequiresRedisServer]
public sealed class RedisServerStoreTests(RedisServerFixture redis) : StoreContractTests<RedisServerFixture>(redis)
{
    /// <inheritdoc />
    protected override Task<TestProcess> StartServerProcessAsync(string directory, int port) => RedisServer.StartAsync(directory, port);
}
