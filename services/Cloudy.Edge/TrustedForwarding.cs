using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;

namespace Cloudy.Edge;

/// <summary>Forwarded-header settings that believe <c>X-Forwarded-For</c> only from configured proxies.</summary>
internal static class TrustedForwarding
{
    public static ForwardedHeadersOptions Options(IEnumerable<string> trustedProxies)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            // One hop: the proxy we trust appends the address it saw; anything further left is client-supplied.
            ForwardLimit = 1,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var entry in trustedProxies)
        {
            // A bare address is a network of one.
            var address = entry.Contains('/', StringComparison.Ordinal) ? null : IPAddress.Parse(entry);
            options.KnownIPNetworks.Add(address is null
                ? System.Net.IPNetwork.Parse(entry)
                : new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8));
        }

        return options;
    }
}
