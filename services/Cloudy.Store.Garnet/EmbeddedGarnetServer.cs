using System.Net;
using System.Net.Sockets;
using Garnet;
using Microsoft.Extensions.Logging;

namespace Cloudy.Store.Garnet;

/// <summary>
/// A Garnet server running inside this process on a loopback port. Start it before any
/// client connects; dispose it after the clients are closed.
/// </summary>
public sealed class EmbeddedGarnetServer : IDisposable
{
    private const int PortAttempts = 5;
    private const int MinSpareThreads = 4;
    private readonly GarnetServer _server;

    private EmbeddedGarnetServer(GarnetServer server, IPEndPoint endPoint)
    {
        _server = server;
        EndPoint = endPoint;
    }

    /// <summary>Where the server listens (always loopback).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"{EndPoint},abortConnect=false";

    /// <summary>
    /// Starts Garnet with <paramref name="options"/>, recovering the data already in its directory.
    /// When the port is 0 a free loopback port is picked (retried if another process takes it first).
    /// </summary>
    public static EmbeddedGarnetServer Start(EmbeddedGarnetOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.DataDirectory);
        ReserveThreadsForCommitWaits();
        var garnetLoggers = loggerFactory is null ? null : new GarnetLoggerFactory(loggerFactory);
        var attempts = options.Port == 0 ? PortAttempts : 1;
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port == 0 ? FreeLoopbackPort() : options.Port;
            GarnetServer? server = null;
            try
            {
                server = new GarnetServer(options.ToArguments(port), garnetLoggers);
                server.Start();
                loggerFactory?.CreateLogger<EmbeddedGarnetServer>()
                    .LogInformation("Embedded Garnet listening on 127.0.0.1:{Port}, data in {DataDirectory}", port, Path.GetFullPath(options.DataDirectory));
                return new EmbeddedGarnetServer(server, new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (Exception ex) when (attempt < attempts && ex is SocketException or IOException or InvalidOperationException)
            {
                // Another process took the free port between our probe and Garnet's bind: try another.
                server?.Dispose();
            }
        }
    }

    /// <summary>
    /// Flushes the append-only file, then stops the server; the file stays on disk for the next start. Writes nobody
    /// waited to see flushed (the background flush runs every few milliseconds) would otherwise be lost on a clean stop.
    /// </summary>
    public void Dispose()
    {
        _server.Store.CommitAOFAsync(CancellationToken.None).GetAwaiter().GetResult();
        _server.Dispose();
    }

    /// <summary>
    /// <c>COMMITAOF</c> blocks the thread-pool thread serving its connection until the flush reaches the disk. The pool
    /// starts with one thread per core, so on a small machine one blocked session starves the continuations of the
    /// whole process (the pool then adds a thread only every half second or so). A few spare threads avoid that.
    /// </summary>
    private static void ReserveThreadsForCommitWaits()
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var wanted = Math.Max(workers, Environment.ProcessorCount + MinSpareThreads);
        if (wanted > workers)
        {
            ThreadPool.SetMinThreads(wanted, completionPorts);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
