namespace Cloudy.Store;

/// <summary>Store settings, bound from the <c>Store</c> section and <c>Cloudy:DataDir</c>.</summary>
/// <param name="Connection">StackExchange.Redis configuration string (platform mode).</param>
/// <param name="Embedded">Host Garnet in this process instead of connecting to <paramref name="Connection"/>.</param>
/// <param name="DataDirectory">Root data directory; embedded Garnet keeps its files in <c>garnet/</c> under it.</param>
/// <param name="GarnetPort">Loopback port of embedded Garnet; 0 picks a free one.</param>
/// <param name="GarnetCommitIntervalMs">Embedded Garnet's background flush interval of its append-only file (see <c>EmbeddedGarnetOptions</c>).</param>
public sealed record StoreOptions(string Connection, bool Embedded, string DataDirectory, int GarnetPort,
    int GarnetCommitIntervalMs = Garnet.EmbeddedGarnetOptions.DefaultCommitIntervalMs)
{
    /// <summary>Default connection string when none is configured.</summary>
    public const string DefaultConnection = "127.0.0.1:6379";

    /// <summary>Default data directory (relative to the working directory).</summary>
    public const string DefaultDataDirectory = "./.cloudy";

    /// <summary>Embedded Garnet's directory (AOF and checkpoints).</summary>
    public string GarnetDirectory => Path.Combine(DataDirectory, "garnet");
}
