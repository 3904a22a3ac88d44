using Cloudy.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cloudy.Identity.Endpoints;

/// <summary><c>/.well-known/jwks.json</c>: the public token-signing keys.</summary>
internal static class JwksEndpoint
{
    /// <summary>The JWKS path.</summary>
    public const string Path = "/.well-known/jwks.json";

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet(Path, (HttpResponse response, ISigningKeyProvider keys) =>
            {
                // Short cache: validators refetch on an unknown kid anyway, and rotations should spread quickly.
                response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Bytes(JwksWriter.ToUtf8Json(keys), "application/jwk-set+json");
            })
            .WithName("Identity.Jwks").WithTags("Auth").AllowAnonymous();
}
