using StackExchange.Redis;

namespace Cloudy.Testing;

/// <summary>A Redis-protocol server a test class runs against (Garnet in-process or redis-server).</summary>
public interface IStoreServer
{
    /// <summary>Backend name for messages.</summary>
    string Name { get; }

    /// <summary>StackExchange.Redis configuration string of the server.</summary>
    string ConnectionString { get; }

    /// <summary>A connection shared by the class's tests.</summary>
    IConnectionMultiplexer Connection { get; }
}
