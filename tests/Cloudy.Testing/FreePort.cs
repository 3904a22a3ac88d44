using System.Net;
using System.Net.Sockets;

namespace Cloudy.Testing;

/// <summary>Free loopback TCP ports for servers started by tests.</summary>
public static class FreePort
{
    /// <summary>
    /// A port nothing listens on right now (the OS picks it; the probe socket is closed before returning,
    /// so a server started next can bind it; a rare race with another process is possible).
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
