using Cloudy.Contracts.Identity;
using Cloudy.Identity.Domain;
using Cloudy.Identity.Http;
using Cloudy.Identity.Storage;
using Cloudy.Identity.Tokens;
using Cloudy.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Cloudy.Identity.Endpoints;

/// <summary><c>/v1/auth</c>: challenge-response device login.</summary>
internal static class AuthEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/auth").WithTags("Auth").Anonymous();
        group.MapPost("/challenge", ChallengeAsync).WithName("Identity.Challenge").WithJsonBody<ChallengeRequest>()
            .Produces<ChallengeResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapPost("/login", LoginAsync).WithName("Identity.Login").WithJsonBody<LoginRequest>()
            .Produces<TokenResponse>().ProducesProblem(StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> ChallengeAsync(
        HttpContext http, IdentityStore store, IdentityOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, IdentityJsonContext.Default.ChallengeRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!RandomIds.IsValid(body!.AccountId, RandomIds.AccountIdBytes) || body.DeviceId is not (>= 1 and <= DeviceSlots.MaxDeviceId))
        {
            return ProblemResults.BadRequest("accountId must be an account id and deviceId a device id (1-127).");
        }

        var nonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(RandomIds.SecretBytes);
        var expiresAt = time.GetUtcNow() + options.ChallengeLifetime;
        var outcome = await store.AddChallengeAsync(body.AccountId!, body.DeviceId.Value, RandomIds.Digest(nonce), expiresAt, options.MaxPendingChallenges);
        return outcome switch
        {
            StoreOutcome.Ok => NoStore(http, TypedResults.Json(
                new ChallengeResponse(System.Buffers.Text.Base64Url.EncodeToString(nonce), expiresAt), IdentityJsonContext.Default.ChallengeResponse)),
            StoreOutcome.TooManyPending => ProblemResults.TooMany("Too many unanswered challenges for this account; answer or wait for one to expire."),
            _ => ProblemResults.NotFound("No such account or device."),
        };
    }

    private static async Task<IResult> LoginAsync(HttpContext http, IdentityStore store, TokenIssuer issuer, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, IdentityJsonContext.Default.LoginRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!RandomIds.IsValid(body!.AccountId, RandomIds.AccountIdBytes) || body.DeviceId is not (>= 1 and <= DeviceSlots.MaxDeviceId)
            || !RandomIds.TryDecode(body.Nonce, RandomIds.SecretBytes, out var nonce)
            || !RandomIds.TryDecode(body.Signature, DeviceKeys.SignatureBytes, out var signature))
        {
            return ProblemResults.BadRequest("Expected accountId, deviceId (1-127), nonce (32 bytes) and signature (64 bytes), base64url.");
        }

        var accountId = body.AccountId!;
        var deviceId = body.DeviceId.Value;
        var device = await store.GetDeviceAsync(accountId, deviceId);
        // Verify before consuming: a bad signature writes nothing; of several valid answers to one
        // challenge only the one whose consumption wins gets a token.
        if (device is null || !DeviceKeys.Verify(device.PublicKey, LoginMessage.Build(nonce, accountId, deviceId), signature))
        {
            return ProblemResults.Unauthorized("The signature does not verify for this account and device.");
        }

        if (await store.ConsumeChallengeAsync(accountId, deviceId, RandomIds.Digest(nonce)) != StoreOutcome.Ok)
        {
            return ProblemResults.Unauthorized("The challenge is unknown, already used or expired.");
        }

        var token = issuer.Issue(accountId, deviceId);
        return NoStore(http, TypedResults.Json(
            new TokenResponse(token.Token, "Bearer", token.ExpiresAt, accountId, deviceId), IdentityJsonContext.Default.TokenResponse));
    }

    private static IResult NoStore(HttpContext http, IResult result)
    {
        http.Response.NoStore();
        return result;
    }
}
