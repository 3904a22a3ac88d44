using System.Security.Claims;
using Cloudy.Contracts.Identity;
using Cloudy.Identity.Domain;
using Cloudy.Identity.Http;
using Cloudy.Identity.Storage;
using Cloudy.Security;
using Cloudy.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cloudy.Identity.Endpoints;

/// <summary>
/// The public link: the owner manages it under <c>/v1/accounts/me/link</c>; anyone resolves a
/// handle with <c>POST /v1/links/resolve</c> (rate-limited at the edge), learning only the account id.
/// The handle travels in the body, never in a URL, so it does not end up in access logs or traces.
/// </summary>
internal static class LinkEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var mine = routes.MapGroup("/v1/accounts/me/link").WithTags("Public link").Authenticated();
        mine.MapGet("", GetAsync).WithName("Identity.GetPublicLink").Produces<PublicLinkResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        mine.MapPut("", EnableAsync).WithName("Identity.EnablePublicLink").Produces<PublicLinkResponse>();
        mine.MapPost("/rotate", RotateAsync).WithName("Identity.RotatePublicLink").Produces<PublicLinkResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        mine.MapDelete("", DisableAsync).WithName("Identity.DisablePublicLink");

        routes.MapPost("/v1/links/resolve", ResolveAsync).WithName("Identity.ResolvePublicLink").WithTags("Public link").Anonymous()
            .WithJsonBody<ResolveLinkRequest>().Produces<ResolvedLinkResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
    }

    private static async Task<IResult> GetAsync(HttpResponse response, ClaimsPrincipal user, IdentityStore store) =>
        Handle(response, await store.GetHandleAsync(user.AccountId()));

    private static async Task<IResult> EnableAsync(HttpResponse response, ClaimsPrincipal user, IdentityStore store) =>
        Handle(response, await store.SetHandleAsync(user.AccountId(), rotate: false));

    private static async Task<IResult> RotateAsync(HttpResponse response, ClaimsPrincipal user, IdentityStore store) =>
        Handle(response, await store.SetHandleAsync(user.AccountId(), rotate: true));

    private static async Task<IResult> DisableAsync(ClaimsPrincipal user, IdentityStore store)
    {
        await store.DisableHandleAsync(user.AccountId());
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ResolveAsync(HttpRequest request, IdentityStore store, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, IdentityJsonContext.Default.ResolveLinkRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        // Malformed and unknown handles answer alike, so probing learns nothing about the format check.
        var handle = body!.Handle;
        var accountId = RandomIds.IsValid(handle, RandomIds.HandleBytes) ? await store.ResolveHandleAsync(handle!) : null;
        return accountId is null
            ? ProblemResults.NotFound("No account has this public link.")
            : TypedResults.Json(new ResolvedLinkResponse(accountId), IdentityJsonContext.Default.ResolvedLinkResponse);
    }

    private static IResult Handle(HttpResponse response, string? handle)
    {
        if (handle is null)
        {
            return ProblemResults.NotFound("The public link is not enabled.");
        }

        response.NoStore();
        return TypedResults.Json(new PublicLinkResponse(handle), IdentityJsonContext.Default.PublicLinkResponse);
    }
}
