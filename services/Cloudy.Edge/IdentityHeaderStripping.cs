using Microsoft.AspNetCore.Http;

namespace Cloudy.Edge;

/// <summary>Removes client-supplied identity headers; identity comes only from a validated token.</summary>
internal sealed class IdentityHeaderStripping(RequestDelegate next, EdgeOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        List<string>? doomed = null;
        foreach (var name in headers.Keys)
        {
            if (options.StrippedHeaderPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                (doomed ??= []).Add(name);
            }
        }

        if (doomed is not null)
        {
            foreach (var name in doomed)
            {
                headers.Remove(name);
            }
        }

        return next(context);
    }
}
