using Cloudy.Store.Durability;
using Cloudy.Testing;
using StackExchange.Redis;

namespace Cloudy.Store.Tests;

/// <summary>The store contract against Garnet (in-process for most tests, a child process for the crash test).</summary>
public sealed class GarnetStoreTests(GarnetFixture garnet) : StoreContractTests<GarnetFixture>(garnet)
{
    /// <inheritdoc />
    protected override Task<TestProcess> StartServerProcessAsync(string directory, int port) => GarnetHostProgram.StartAsync(directory, port);

    /// <inheritdoc />
    protected override Task WaitDurableAsync(IConnectionMultiplexer connection) => new GarnetCommitBarrier(connection).WaitDurableAsync();
}
