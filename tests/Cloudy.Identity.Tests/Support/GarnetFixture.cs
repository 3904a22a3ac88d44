using Cloudy.Store.Garnet;
using StackExchange.Redis;

namespace Cloudy.Identity.Tests;

/// <summary>A real Garnet server in this process on a free loopback port, with its data in a temp directory.</summary>
public sealed class GarnetFixture : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("cloudy-garnet-").FullName;
    private readonly EmbeddedGarnetServer _server;

    public GarnetFixture()
    {
        _server = EmbeddedGarnetServer.Start(new EmbeddedGarnetOptions(_directory));
        Connection = ConnectionMultiplexer.Connect(_server.ConnectionString + ",allowAdmin=true");
    }

    /// <summary>A client connection (admin commands allowed, for key counting).</summary>
    public IConnectionMultiplexer Connection { get; }

    /// <summary>Keys matching <paramref name="pattern"/> (SCAN).</summary>
    public List<string> Keys(string pattern) =>
        [.. Connection.GetServers()[0].Keys(pattern: pattern, pageSize: 1000).Select(k => k.ToString())];

    /// <inheritdoc />
    public void Dispose()
    {
        Connection.Dispose();
        _server.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Garnet may still hold a file for a moment; the temp directory is harmless.
        }
    }
}

/// <summary>Tests sharing one Garnet run one class at a time.</summary>
[CollectionDefinition(Name)]
public sealed class GarnetCollection : ICollectionFixture<GarnetFixture>
{
    public const string Name = "garnet";
}
