using Cloudy.Contracts.Identity;
using Cloudy.Identity.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cloudy.Identity.Endpoints;

/// <summary>Conventions shared by the identity route groups.</summary>
internal static class IdentityRoutes
{
    /// <summary>Endpoints a caller reaches with a valid token of a still-registered device.</summary>
    public static TBuilder Authenticated<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization().AddEndpointFilter<TBuilder, LiveDeviceFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

    /// <summary>Endpoints reachable without a token (rate-limited at the edge).</summary>
    public static TBuilder Anonymous<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AllowAnonymous();

    /// <summary>
    /// Endpoints that take a JSON body, read by <see cref="JsonBody"/>. No <c>Accepts</c> metadata on
    /// purpose: routing would then answer a wrong media type itself, from an endpoint without our
    /// problem body or anonymous marker; <see cref="JsonBody"/> answers 415 instead. Bodies are
    /// documented in docs/api.md.
    /// </summary>
    public static RouteHandlerBuilder WithJsonBody<TBody>(this RouteHandlerBuilder builder) where TBody : notnull =>
        builder
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>Marks a response as never cacheable (tokens, codes, handles).</summary>
    public static void NoStore(this HttpResponse response) => response.Headers.CacheControl = "no-store";
}
