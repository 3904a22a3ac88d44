using Cloudy.Delivery.Mailbox;
using Cloudy.Security;
using Cloudy.ServiceDefaults.Http;
using Cloudy.Store;

namespace Cloudy.Delivery.Http;

/// <summary>
/// Refuses tokens whose account id cannot be a key, or whose device delivery knows to be removed: tokens are
/// stateless, so a removed device would otherwise keep reaching its (purged) mailbox until its token expires.
/// A device delivery has not heard of yet is admitted, because identity's events may lag the token.
/// </summary>
internal sealed class LiveDeviceFilter(DeviceRegistry registry) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var refusal = await CheckAsync(context.HttpContext.User, registry).ConfigureAwait(false);
        return refusal ?? await next(context).ConfigureAwait(false);
    }

    /// <summary>The 401 problem for a caller that may not use delivery, or null.</summary>
    public static async Task<IResult?> CheckAsync(System.Security.Claims.ClaimsPrincipal user, DeviceRegistry registry) =>
        !TryGetCaller(user, out var account, out var device) || await registry.IsRemovedAsync(account, device).ConfigureAwait(false)
            ? Refusal()
            : null;

    /// <summary>The caller's account and device when the token names a usable pair (no store access).</summary>
    public static bool TryGetCaller(System.Security.Claims.ClaimsPrincipal user, out string account, out int device)
    {
        device = 0;
        return user.TryGetAccountId(out account) && KeySpace.IsValidAccountId(account) && user.TryGetDeviceId(out device);
    }

    /// <summary>The answer to a token whose device is unknown or removed.</summary>
    public static IResult Refusal() => ProblemResults.Unauthorized("The token's device is not registered.");
}
