using System.Net;

namespace Cloudy.LoadTest.Net;

/// <summary>
/// Load is only ever aimed at this machine: the target URL must name 127.0.0.0/8, ::1 or localhost.
/// Anything else is refused before a single request is made.
/// </summary>
internal static class LoopbackGuard
{
    /// <summary>Checks <paramref name="url"/> and returns it with the host replaced by its loopback IP (so sockets can bind by family).</summary>
    public static Uri Resolve(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Not an http(s) URL: '{url}'.", nameof(url));
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new ArgumentException("The target URL must not carry credentials.", nameof(url));
        }

        IPAddress address;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(uri.IdnHost, out address!) || !IsLoopback(address))
        {
            throw new ArgumentException($"Refusing non-loopback target '{uri.Host}': cloudy-load only sends to 127.0.0.0/8, ::1 or localhost.", nameof(url));
        }

        var builder = new UriBuilder(uri) { Host = address.ToString(), Path = "/" };
        return builder.Uri;
    }

    /// <summary>True for 127.0.0.0/8 and ::1 (also IPv4-mapped 127/8); false for everything else, 0.0.0.0 and :: included.</summary>
    public static bool IsLoopback(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.Equals(IPAddress.IPv6Loopback)
            || (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.GetAddressBytes()[0] == 127);
    }
}
