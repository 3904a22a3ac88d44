using System.Net;
using System.Net.Sockets;

namespace Cloudy.Testing;

/// <summary>Free loopback TCP ports for servers started by tests.</summary>
public static class FreePort
{
    // Below Linux's default ephemeral range (32768-60999): the kernel never hands these ports to outgoing
    // connections, which test processes running side by side open by the thousand (the load tool's tests, every
    // client). A port from bind(0) is an ephemeral one, and could be taken by such a connection between this probe
    // and the server's own bind.
    private const int First = 20_000;
    private const int Last = 32_000;
    private static readonly Lock _gate = new();
    private static readonly HashSet<int> _given = [];

    /// <summary>
    /// A port nothing listens on right now, never returned twice by this process. It is picked at random from a
    /// range outside the ephemeral ports, so another test process picking the same one at the same moment is
    /// unlikely, and an outgoing connection cannot take it.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(First, Last + 1);
            lock (_gate)
            {
                if (!_given.Add(port))
                {
                    continue;
                }
            }

            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free loopback port in {First}-{Last}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
