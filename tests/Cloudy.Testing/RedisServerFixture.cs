using StackExchange.Redis;
using Xunit;

namespace Cloudy.Testing;

/// <summary>
/// Debian's redis-server started as a process on a free loopback port with a temp data directory,
/// stopped by PID. Does nothing when redis-server is missing: tests using it carry
/// <see cref="RequiresRedisServerAttribute"/> and are skipped with the reason.
/// </summary>
public sealed class RedisServerFixture : IStoreServer, IAsyncLifetime
{
    private readonly TempDirectory _directory = new("redis");
    private TestProcess? _process;
    private ConnectionMultiplexer? _connection;

    /// <inheritdoc />
    public string Name => "redis-server";

    /// <summary>The loopback port.</summary>
    public int Port { get; } = FreePort.Next();

    /// <inheritdoc />
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <inheritdoc />
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException(RedisServer.SkipReason ?? "Fixture not initialized.");

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (RedisServer.Executable is null)
        {
            return;
        }

        _process = await RedisServer.StartAsync(_directory.Path, Port).ConfigureAwait(false);
        _connection = await ConnectionMultiplexer.ConnectAsync(ConnectionString).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        _directory.Dispose();
    }
}
