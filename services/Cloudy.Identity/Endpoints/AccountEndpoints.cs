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
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Cloudy.Identity.Endpoints;

/// <summary><c>/v1/accounts</c>: create, read and delete accounts.</summary>
internal static class AccountEndpoints
{
    private const int IdAttempts = 3;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/accounts").WithTags("Accounts");
        group.MapPost("", CreateAsync).WithName("Identity.CreateAccount").Anonymous().WithJsonBody<CreateAccountRequest>();
        group.MapGet("/me", GetAsync).WithName("Identity.GetAccount").Authenticated();
        group.MapDelete("/me", DeleteAsync).WithName("Identity.DeleteAccount").Authenticated();
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, IdentityStore store, IEventBus bus, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, IdentityJsonContext.Default.CreateAccountRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!DeviceKeys.TryParse(body!.SigningKey, out var key))
        {
            return ProblemResults.BadRequest("signingKey must be a 32-byte Ed25519 public key, base64url without padding.");
        }

        for (var attempt = 0; attempt < IdAttempts; attempt++)
        {
            var accountId = RandomIds.NewAccountId();
            if (await store.CreateAccountAsync(accountId, key))
            {
                await bus.PublishAsync(Topics.Identity, accountId, new AccountCreated(accountId, 1), cancellationToken);
                return TypedResults.Json(new DeviceRegistered(accountId, 1), IdentityJsonContext.Default.DeviceRegistered,
                    statusCode: StatusCodes.Status201Created);
            }
        }

        // 128 random bits colliding three times means the CSPRNG is broken: fail loudly.
        throw new InvalidOperationException("Could not draw an unused account id.");
    }

    private static async Task<JsonHttpResult<AccountResponse>> GetAsync(ClaimsPrincipal user, IdentityStore store)
    {
        var accountId = user.AccountId();
        var devices = await store.ListDevicesAsync(accountId);
        var handle = await store.GetHandleAsync(accountId);
        return TypedResults.Json(new AccountResponse(accountId, user.DeviceId(), devices.Count, handle is not null),
            IdentityJsonContext.Default.AccountResponse);
    }

    /// <summary>
    /// Publishes <see cref="AccountDeleted"/> first, then deletes: if the deletion fails the client
    /// retries and identity's own consumer of the event finishes it, so no service keeps data of an
    /// account whose deletion was requested.
    /// </summary>
    private static async Task<NoContent> DeleteAsync(ClaimsPrincipal user, IdentityStore store, IEventBus bus, CancellationToken cancellationToken)
    {
        var accountId = user.AccountId();
        await bus.PublishAsync(Topics.Identity, accountId, new AccountDeleted(accountId), cancellationToken);
        await store.DeleteAccountAsync(accountId);
        return TypedResults.NoContent();
    }
}
