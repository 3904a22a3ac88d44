using Microsoft.AspNetCore.Http;

namespace Cloudy.Edge;

/// <summary>
/// The stricter rate-limit buckets, chosen by public path so the gateway (YARP routes) and the
/// embedded host (endpoints) limit the same requests the same way.
/// </summary>
public static class EdgeBuckets
{
    /// <summary>Account creation and link-code redemption.</summary>
    public const string Registration = "registration";

    /// <summary>Login challenge and login.</summary>
    public const string Login = "login";

    /// <summary>Public-link resolution.</summary>
    public const string LinkResolve = "link-resolve";

    /// <summary>The bucket <paramref name="request"/> falls in, or <c>null</c> for the general limits only.</summary>
    public static string? Match(HttpRequest request)
    {
        var path = request.Path;
        if (HttpMethods.IsPost(request.Method))
        {
            if (path.Equals("/v1/accounts", StringComparison.OrdinalIgnoreCase)
                || path.Equals("/v1/devices/redeem", StringComparison.OrdinalIgnoreCase))
            {
                return Registration;
            }

            if (path.StartsWithSegments("/v1/auth", StringComparison.OrdinalIgnoreCase))
            {
                return Login;
            }

            if (path.StartsWithSegments("/v1/links", StringComparison.OrdinalIgnoreCase))
            {
                return LinkResolve;
            }
        }

        return null;
    }
}
