namespace Cloudy.Store.Garnet;

/// <summary>Settings of the in-process Garnet server.</summary>
/// <param name="DataDirectory">Directory for the append-only file and checkpoints (created if missing).</param>
/// <param name="Port">Loopback port to listen on; 0 picks a free one.</param>
/// <param name="CommitIntervalMs">
/// How often Garnet flushes the append-only file on its own, in milliseconds (0 = after every operation). Callers
/// that must not acknowledge before their writes are on disk wait for an explicit commit instead (Cloudy.Store's
/// <c>GarnetCommitBarrier</c>); this background flush only bounds how much an unacknowledged burst can lose.
/// </param>
public sealed record EmbeddedGarnetOptions(string DataDirectory, int Port = 0, int CommitIntervalMs = EmbeddedGarnetOptions.DefaultCommitIntervalMs)
{
    /// <summary>The default <see cref="CommitIntervalMs"/>.</summary>
    public const int DefaultCommitIntervalMs = 5;

    /// <summary>
    /// Builds Garnet's command line. Durability is the point of these flags:
    /// <list type="bullet">
    /// <item><c>--aof --recover --checkpointdir</c>: every write goes to the append-only file
    /// under <see cref="DataDirectory"/> and is replayed on start.</item>
    /// <item><c>--aof-commit-freq N --aof-commit-wait false</c>: replies do not wait for the flush. Durability is
    /// asked for explicitly with <c>COMMITAOF</c> (which returns once the flush reached the disk) by whoever is about to
    /// acknowledge a write, grouped so that concurrent callers share one flush (Cloudy.Store's
    /// <c>GarnetCommitBarrier</c>; docs/adr/0007-embedded-group-commit.md). Garnet's own commit-wait blocked a
    /// thread per command and per write inside every Lua script, which capped the embedded node at a few hundred
    /// messages per second.</item>
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
        "--aof-commit-freq", Math.Max(0, CommitIntervalMs).ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--aof-commit-wait", "false",
        "--recover",
        "--lua", "true",
    ];
}
