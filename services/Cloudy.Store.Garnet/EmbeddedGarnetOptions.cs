namespace Cloudy.Store.Garnet;

/// <summary>Settings of the in-process Garnet server.</summary>
/// <param name="DataDirectory">Directory for the append-only file and checkpoints (created if missing).</param>
/// <param name="Port">Loopback port to listen on; 0 picks a free one.</param>
public sealed record EmbeddedGarnetOptions(string DataDirectory, int Port = 0)
{
    /// <summary>
    /// Builds Garnet's command line. Durability is the point of these flags:
    /// <list type="bullet">
    /// <item><c>--aof --recover --checkpointdir</c>: every write goes to the append-only file
    /// under <see cref="DataDirectory"/> and is replayed on start.</item>
    /// <item><c>--aof-commit-freq 0 --aof-commit-wait true</c>: each operation commits the AOF
    /// immediately and the reply is sent only after the commit was flushed, so an acknowledged
    /// write survives the process being killed (proved by the store durability tests).</item>
    /// <item><c>--device-type RandomAccess</c>: the managed device; the default native device
    /// needs libaio, which is not installed on our Debian images.</item>
    /// </list>
    /// </summary>
    public string[] ToArguments(int port) =>
    [
        "--bind", "127.0.0.1",
        "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--checkpointdir", Path.GetFullPath(DataDirectory),
        "--device-type", "RandomAccess",
        "--aof",
        "--aof-commit-freq", "0",
        "--aof-commit-wait", "true",
        "--recover",
        "--lua", "true",
    ];
}
