using System.Globalization;
using System.Security.Claims;
using Cloudy.Presence.Domain;
using Cloudy.Presence.Http;
using Cloudy.Presence.Storage;
using Cloudy.Security;
using Cloudy.Store;

namespace Cloudy.Presence.Endpoints;

/// <summary>
/// The presence API under <c>/v1/presence</c> (docs/api-presence.md). Every endpoint needs a Cloudy access token;
/// the caller comes from its claims. Another account's presence answers 404 both when the account does not exist
/// and when it hides from the caller, so the answer reveals neither.
/// </summary>
internal static partial class PresenceEndpoints
{
    public static RouteGroupBuilder Map(RouteGroupBuilder group)
    {
        group.MapGet("/settings", GetSettingsAsync).WithName("Presence.GetSettings").RequireAuthorization()
            .Produces<PresenceSettingsResponse>().ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPut("/settings", PutSettingsAsync).WithName("Presence.PutSettings").RequireAuthorization()
            .Produces<PresenceSettingsResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapPost("/watch", WatchAsync).WithName("Presence.Watch").RequireAuthorization()
            .Produces<WatchResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/{accountId}", GetPresenceAsync).WithName("Presence.Get").RequireAuthorization()
            .Produces<PresenceResponse>()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return group;
    }

    private static async Task<IResult> GetSettingsAsync(ClaimsPrincipal user, PresenceStore store)
    {
        if (!TryGetCaller(user, out var caller))
        {
            return Problems.Unauthorized();
        }

        var (visibility, allow) = await store.GetSettingsAsync(caller);
        return Settings(visibility, allow);
    }

    private static async Task<IResult> PutSettingsAsync(
        HttpRequest request, PresenceStore store, PresencePublisher publisher, PresenceOptions options, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!TryGetCaller(request.HttpContext.User, out var caller))
        {
            return Problems.Unauthorized();
        }

        var (body, problem) = await JsonBody.ReadAsync(request, PresenceJsonContext.Default.PresenceSettingsRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (visibility, allow, error) = RequestRules.ParseSettings(body!, caller, options.MaxAllowList);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        if (!await store.PutSettingsAsync(caller, visibility, allow))
        {
            return Problems.Gone();
        }

        await TellWatchersAsync(publisher, caller, loggers, cancellationToken);
        var (storedVisibility, storedAllow) = await store.GetSettingsAsync(caller);
        return Settings(storedVisibility, storedAllow);
    }

    private static async Task<IResult> GetPresenceAsync(
        string accountId, HttpContext http, PresenceStore store, QueryRateLimiter limiter, TimeProvider time)
    {
        if (!TryGetCaller(http.User, out var caller))
        {
            return Problems.Unauthorized();
        }

        if (await limiter.TryAcquireAsync(caller, 1) is { } wait)
        {
            return TooMany(http, wait);
        }

        if (!KeySpace.IsValidAccountId(accountId))
        {
            return Problems.NotFound();
        }

        var view = await store.ReadAsync(accountId, caller, time.GetUtcNow().ToUnixTimeMilliseconds());
        if (view is not { } seen)
        {
            return Problems.NotFound();
        }

        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(ToResponse(accountId, seen), PresenceJsonContext.Default.PresenceResponse);
    }

    private static async Task<IResult> WatchAsync(
        HttpRequest request, PresenceStore store, QueryRateLimiter limiter, PresenceOptions options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var http = request.HttpContext;
        if (!TryGetCaller(http.User, out var caller))
        {
            return Problems.Unauthorized();
        }

        var (body, problem) = await JsonBody.ReadAsync(request, PresenceJsonContext.Default.WatchRequest, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var (targets, error) = RequestRules.ParseWatch(body!, options.MaxWatchPerRequest);
        if (error is not null)
        {
            return Problems.BadRequest(error);
        }

        if (await limiter.TryAcquireAsync(caller, targets!.Count) is { } wait)
        {
            return TooMany(http, wait);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var visible = new List<PresenceResponse>(targets.Count);
        foreach (var target in targets)
        {
            if (await store.ReadAsync(target, caller, now) is { } view)
            {
                visible.Add(ToResponse(target, view));
            }
        }

        // Only accounts that show themselves to the caller record its interest: strangers leave no trace in an
        // account's watcher set and cannot fill it. Visibility is checked again at every push.
        await store.WatchAsync(caller, [.. visible.Select(v => v.AccountId)], now);

        http.Response.Headers.CacheControl = "no-store";
        var response = new WatchResponse((int)options.WatchTtl.TotalSeconds, visible);
        return TypedResults.Json(response, PresenceJsonContext.Default.WatchResponse);
    }

    /// <summary>Pushes the owner's state to watchers the new settings allow; a bus failure must not fail the saved change.</summary>
    private static async Task TellWatchersAsync(PresencePublisher publisher, string owner, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishCurrentAsync(owner, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPushFailed(loggers.CreateLogger(typeof(PresenceEndpoints)), ex);
        }
    }

    private static PresenceResponse ToResponse(string accountId, PresenceView view) =>
        new(accountId, view.Online, view.Online ? null : LastSeen.FromUnixMs(view.LastSeenMs));

    private static IResult Settings(Visibility visibility, IReadOnlyList<string> allow) =>
        TypedResults.Json(new PresenceSettingsResponse(visibility.ToWire(), allow), PresenceJsonContext.Default.PresenceSettingsResponse);

    private static IResult TooMany(HttpContext http, TimeSpan wait)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.Make(StatusCodes.Status429TooManyRequests, "Too many requests", "Too many presence look-ups; retry later.");
    }

    /// <summary>The caller's account from the token; an id that could not be a key is refused like a bad token.</summary>
    private static bool TryGetCaller(ClaimsPrincipal user, out string accountId) =>
        user.TryGetAccountId(out accountId) && KeySpace.IsValidAccountId(accountId) && user.TryGetDeviceId(out _);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not push a presence settings change to watchers")]
    private static partial void LogPushFailed(ILogger logger, Exception error);
}
