using Cloudy.Store.Garnet;
using StackExchange.Redis;
using Xunit;

namespace Cloudy.Testing;

/// <summary>
/// Garnet hosted in the test process on a free loopback port with the production settings
/// (<see cref="EmbeddedGarnetOptions"/>), its files in a temp directory.
/// </summary>
public sealed class GarnetFixture : IStoreServer, IAsyncLifetime
{
    private readonly TempDirectory _directory = new("garnet");
    private EmbeddedGarnetServer? _server;
    private ConnectionMultiplexer? _connection;

    /// <inheritdoc />
    public string Name => "garnet";

    /// <inheritdoc />
    public string ConnectionString => Server.ConnectionString;

    /// <inheritdoc />
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("Fixture not initialized.");

    /// <summary>The running server.</summary>
    public EmbeddedGarnetServer Server => _server ?? throw new InvalidOperationException("Fixture not initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _server = EmbeddedGarnetServer.Start(new EmbeddedGarnetOptions(_directory.Path));
        _connection = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _server?.Dispose();
        _directory.Dispose();
    }
}
