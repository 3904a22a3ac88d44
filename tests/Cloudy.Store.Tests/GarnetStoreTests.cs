using Cloudy.Store.Durability;
using Cloudy.Testing;
using StackExchange.Redis;

namespace Cloudy.Store.Tests;

/// <summary>The store contract against Garnet (in-process for most tests, a child process for the crash test).</summary>
public sealed class GarnetStoreTests(GarnetFixture garnet) : StoreContractTests<GarnetFixture>(garnet)
{
    /// <inheritdoc />
    /// <remarks>
    /// Garnet's background flush is set to ten minutes, so the crash test passes only through
    /// <see cref="WaitDurableAsync"/> (the group commit a service waits for before it answers), never by timing.
    /// </remarks>
    protected override Task<TestProcess> StartServerProcessAsync(string directory, int port) =>
        GarnetHostProgram.StartAsync(directory, port, commitIntervalMs: 600_000);

    /// <inheritdoc />
    protected override Task WaitDurableAsync(IConnectionMultiplexer connection) => new GarnetCommitBarrier(connection).WaitDurableAsync();
}
