using Cloudy.Identity.Domain;
using Cloudy.Identity.Storage;
using Cloudy.Security;
using Cloudy.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace Cloudy.Identity.Http;

/// <summary>
/// Admits a validated token only while its device is still registered: tokens are stateless, so a
/// removed device or deleted account would otherwise keep access until the token expires.
/// </summary>
internal sealed class LiveDeviceFilter(IdentityStore store) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var user = context.HttpContext.User;
        if (!user.TryGetAccountId(out var accountId) || !RandomIds.IsValid(accountId, RandomIds.AccountIdBytes)
            || !user.TryGetDeviceId(out var deviceId)
            || await store.GetDeviceAsync(accountId, deviceId).ConfigureAwait(false) is null)
        {
            return ProblemResults.Unauthorized("The token's device is not registered.");
        }

        return await next(context).ConfigureAwait(false);
    }
}
