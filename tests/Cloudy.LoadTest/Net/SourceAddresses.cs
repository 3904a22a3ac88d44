using System.Net;
using System.Net.Sockets;

namespace Cloudy.LoadTest.Net;

/// <summary>
/// Local addresses to connect from. Linux routes all of 127.0.0.0/8 to the loopback interface, so spreading
/// devices over many 127.x.y.z source addresses gives each its own 64 k ephemeral-port range.
/// </summary>
internal sealed class SourceAddresses
{
    private readonly IPAddress?[] _addresses;

    /// <summary>Creates <paramref name="count"/> sources for <paramref name="target"/>; IPv6 targets and count 1 use the OS default.</summary>
    public SourceAddresses(IPAddress target, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 250 * 250);
        _addresses = new IPAddress?[count];
        for (var k = 0; k < count; k++)
        {
            _addresses[k] = target.AddressFamily == AddressFamily.InterNetwork && count > 1 ? At(k) : null;
        }
    }

    /// <summary>How many distinct sources there are.</summary>
    public int Count => _addresses.Length;

    /// <summary>The source for slot <paramref name="k"/> (null: let the OS choose).</summary>
    public IPAddress? this[int k] => _addresses[k % _addresses.Length];

    /// <summary>The k-th spread address: 127.10.(k / 250).(k % 250 + 1).</summary>
    public static IPAddress At(int k) => new([127, 10, (byte)(k / 250), (byte)((k % 250) + 1)]);

    /// <summary>An HTTP handler whose connections are bound to <paramref name="local"/> before connecting.</summary>
    public static SocketsHttpHandler CreateHandler(IPAddress? local) => new()
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var endpoint = context.DnsEndPoint;
            var remote = IPAddress.Parse(endpoint.Host);
            var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (local is not null)
                {
                    socket.Bind(new IPEndPoint(local, 0));
                }

                await socket.ConnectAsync(new IPEndPoint(remote, endpoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
