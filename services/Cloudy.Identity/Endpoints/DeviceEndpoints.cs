using System.Buffers.Text;
using System.Security.Claims;
using Cloudy.Contracts;
using Cloudy.Contracts.Identity;
using Cloudy.EventBus;
using Cloudy.Identity.Domain;
using Cloudy.Identity.Http;
using Cloudy.Identity.Storage;
using Cloudy.Security;
using Cloudy.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cloudy.Identity.Endpoints;

/// <summary><c>/v1/devices</c>: list, link (code issue and redemption) and remove devices.</summary>
internal static class DeviceEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/devices").WithTags("Devices");
        group.MapGet("", ListAsync).WithName("Identity.ListDevices").Authenticated().Produces<DeviceListResponse>();
        group.MapPost("/link-codes", IssueCodeAsync).WithName("Identity.IssueLinkCode").Authenticated()
            .Produces<LinkCodeResponse>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapPost("/redeem", RedeemAsync).WithName("Identity.RedeemLinkCode").Anonymous().WithJsonBody<RedeemRequest>()
            .Produces<DeviceRegistered>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/{deviceId}", RemoveAsync).WithName("Identity.RemoveDevice").Authenticated()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    private static async Task<IResult> ListAsync(ClaimsPrincipal user, IdentityStore store)
    {
        var devices = await store.ListDevicesAsync(user.AccountId());
        return TypedResults.Json(
            new DeviceListResponse([.. devices.Select(d => new DeviceResponse(d.DeviceId, Base64Url.EncodeToString(d.PublicKey), d.CreatedAt))]),
            IdentityJsonContext.Default.DeviceListResponse);
    }

    private static async Task<IResult> IssueCodeAsync(HttpContext http, IdentityStore store, IdentityOptions options, TimeProvider time)
    {
        var (code, text) = LinkCode.New(http.User.AccountId());
        var expiresAt = time.GetUtcNow() + options.LinkCodeLifetime;
        var outcome = await store.AddLinkCodeAsync(code.AccountId, code.Digest, expiresAt, options.MaxPendingLinkCodes);
        if (outcome == StoreOutcome.TooManyPending)
        {
            return ProblemResults.TooMany("Too many unredeemed link codes; redeem one or wait for it to expire.");
        }

        if (outcome != StoreOutcome.Ok)
        {
            return ProblemResults.Unauthorized("The account no longer exists.");
        }

        http.Response.NoStore();
        return TypedResults.Json(new LinkCodeResponse(text, expiresAt), IdentityJsonContext.Default.LinkCodeResponse,
            statusCode: StatusCodes.Status201Created);
    }

    private static async Task<IResult> RedeemAsync(
        HttpRequest request, IdentityStore store, IEventBus bus, IdentityOptions options, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, IdentityJsonContext.Default.RedeemRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var code = LinkCode.Parse(body!.Code);
        if (code is null || !DeviceKeys.TryParse(body.SigningKey, out var key))
        {
            return ProblemResults.BadRequest("Expected a link code and a 32-byte Ed25519 signingKey, base64url.");
        }

        var (outcome, deviceId) = await store.RedeemLinkCodeAsync(code, key, options.MaxDevices);
        switch (outcome)
        {
            case StoreOutcome.Ok:
                await bus.PublishAsync(Topics.Identity, code.AccountId, new DeviceLinked(code.AccountId, deviceId), cancellationToken);
                return TypedResults.Json(new DeviceRegistered(code.AccountId, deviceId), IdentityJsonContext.Default.DeviceRegistered,
                    statusCode: StatusCodes.Status201Created);
            case StoreOutcome.DeviceLimit:
                return ProblemResults.Conflict($"The account already has {options.MaxDevices} devices; remove one first.");
            default:
                return ProblemResults.NotFound("The link code is unknown, already used or expired.");
        }
    }

    private static async Task<IResult> RemoveAsync(string deviceId, ClaimsPrincipal user, IdentityStore store, IEventBus bus, CancellationToken cancellationToken)
    {
        if (!DeviceSlots.TryParse(deviceId, out var id))
        {
            return ProblemResults.NotFound("No such device.");
        }

        var accountId = user.AccountId();
        switch (await store.RemoveDeviceAsync(accountId, id))
        {
            case StoreOutcome.Ok:
                await bus.PublishAsync(Topics.Identity, accountId, new DeviceRemoved(accountId, id), cancellationToken);
                return TypedResults.NoContent();
            case StoreOutcome.LastDevice:
                return ProblemResults.Conflict("This is the account's last device; delete the account instead.");
            default:
                return ProblemResults.NotFound("No such device.");
        }
    }
}
