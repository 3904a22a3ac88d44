using System.Globalization;
using System.Security.Claims;
using Cloudy.KeyDirectory.Domain;
using Cloudy.KeyDirectory.Http;
using Cloudy.KeyDirectory.Storage;
using Cloudy.Security;
using Cloudy.ServiceDefaults.Http;
using Cloudy.Store;

namespace Cloudy.KeyDirectory.Endpoints;

/// <summary>
/// The key-directory API under <c>/v1/keys</c> (documented in docs/api-keys.md). Every endpoint needs a
/// Cloudy access token; the caller's account and device come from its claims, never from the request.
/// </summary>
internal static class KeyEndpoints
{
    /// <summary>Highest device id (Signal's protocol addresses devices 1-127; identity allocates in that range).</summary>
    private const int MaxDeviceId = 127;

    public static RouteGroupBuilder Map(RouteGroupBuilder group)
    {
        group.MapPut("", UploadAsync).WithName("KeyDirectory.UploadKeys").RequireAuthorization()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/counts", CountsAsync).WithName("KeyDirectory.PreKeyCounts").RequireAuthorization()
            .Produces<PreKeyCountsResponse>().ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapGet("/{accountId}", FetchAccountAsync).WithName("KeyDirectory.FetchAccountBundles").RequireAuthorization()
            .WithBundleResponses();
        group.MapGet("/{accountId}/{deviceId}", FetchDeviceAsync).WithName("KeyDirectory.FetchDeviceBundle").RequireAuthorization()
            .WithBundleResponses();
        return group;
    }

    private static async Task<IResult> UploadAsync(
        HttpRequest request, KeyUploads uploads, KeyDirectoryOptions options, CancellationToken cancellationToken)
    {
        if (!TryGetCaller(request.HttpContext.User, out var accountId, out var deviceId))
        {
            return CallerProblem();
        }

        var (body, problem) = await JsonRequestBody.ReadAsync(request, KeyDirectoryJsonContext.Default.UploadKeysRequest, options.MaxUploadBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (upload, error) = KeyUploadParser.Parse(body!, options.MaxPreKeysPerUpload);
        if (upload is null)
        {
            return ProblemResults.BadRequest(error!);
        }

        var outcome = await uploads.UploadAsync(accountId, deviceId, upload, cancellationToken);
        return outcome.Status switch
        {
            UploadStatus.Stored => TypedResults.NoContent(),
            UploadStatus.BadSignature => Problems.BadSignature(outcome.Detail!),
            UploadStatus.Conflict => ProblemResults.Conflict(outcome.Detail!),
            _ => ProblemResults.BadRequest(outcome.Detail!),
        };
    }

    private static async Task<IResult> CountsAsync(ClaimsPrincipal user, KeyStore store)
    {
        if (!TryGetCaller(user, out var accountId, out var deviceId))
        {
            return CallerProblem();
        }

        var (ec, pq) = await store.CountsAsync(accountId, deviceId);
        return TypedResults.Json(new PreKeyCountsResponse(ec, pq), KeyDirectoryJsonContext.Default.PreKeyCountsResponse);
    }

    private static Task<IResult> FetchAccountAsync(string accountId, HttpContext http, BundleFetcher fetcher, CancellationToken cancellationToken) =>
        FetchAsync(http, fetcher, accountId, deviceId: null, cancellationToken);

    private static Task<IResult> FetchDeviceAsync(string accountId, string deviceId, HttpContext http, BundleFetcher fetcher, CancellationToken cancellationToken) =>
        TryParseDeviceId(deviceId, out var id)
            ? FetchAsync(http, fetcher, accountId, id, cancellationToken)
            : Task.FromResult<IResult>(NoKeys());

    private static async Task<IResult> FetchAsync(HttpContext http, BundleFetcher fetcher, string accountId, int? deviceId, CancellationToken cancellationToken)
    {
        if (!TryGetCaller(http.User, out var requester, out _))
        {
            return CallerProblem();
        }

        if (!KeySpace.IsValidAccountId(accountId))
        {
            return NoKeys();
        }

        var result = await fetcher.FetchAsync(requester, accountId, deviceId, cancellationToken);
        if (result.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return ProblemResults.Make(StatusCodes.Status429TooManyRequests, "Too many requests",
                "Too many prekey bundle fetches of this account; retry later.");
        }

        if (result.Bundles.Count == 0)
        {
            return NoKeys();
        }

        // One-time keys were consumed for this caller only: never let a cache replay them.
        http.Response.Headers.CacheControl = "no-store";
        var response = new PreKeyBundleResponse(accountId, [.. result.Bundles.Select(ToResponse)]);
        return TypedResults.Json(response, KeyDirectoryJsonContext.Default.PreKeyBundleResponse);
    }

    private static DeviceBundle ToResponse(StoredBundle b) => new(
        b.DeviceId,
        b.RegistrationId,
        b.IdentityKey,
        new SignedPreKeyEntity(b.SignedPreKey.Id, b.SignedPreKey.PublicKey, b.SignedPreKey.Signature),
        b.PreKey is { } preKey ? new PreKeyEntity(preKey.Id, preKey.PublicKey) : null,
        new SignedPreKeyEntity(b.PqPreKey.Id, b.PqPreKey.PublicKey, b.PqPreKey.Signature),
        b.PqPreKeyIsLastResort);

    /// <summary>
    /// The caller from the token. Tokens are identity's, so these hold for every genuine one; checking
    /// keeps a token with odd claims from reaching store keys.
    /// </summary>
    private static bool TryGetCaller(ClaimsPrincipal user, out string accountId, out int deviceId)
    {
        deviceId = 0;
        return user.TryGetAccountId(out accountId) && KeySpace.IsValidAccountId(accountId)
            && user.TryGetDeviceId(out deviceId) && deviceId <= MaxDeviceId;
    }

    private static bool TryParseDeviceId(string value, out int deviceId) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out deviceId) && deviceId is >= 1 and <= MaxDeviceId;

    private static IResult CallerProblem() => ProblemResults.Unauthorized("The token does not name a valid account and device.");

    private static IResult NoKeys() => ProblemResults.NotFound("No keys for this account or device.");

    private static RouteHandlerBuilder WithBundleResponses(this RouteHandlerBuilder builder) => builder
        .Produces<PreKeyBundleResponse>()
        .ProducesProblem(StatusCodes.Status401Unauthorized)
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
