using Cloudy.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cloudy.Edge;

/// <summary>
/// Caps request bodies: a declared oversize body is refused at once with 413; a chunked one is cut
/// off by the server when it crosses the same limit while being read.
/// </summary>
internal sealed class BodySizeLimit(RequestDelegate next, EdgeOptions options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var limit = LimitFor(context.Request.Path);
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            return AuthProblems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                "Request body too large", $"Request bodies are limited to {limit} bytes here.");
        }

        return next(context);
    }

    private long LimitFor(PathString path)
    {
        foreach (var (prefix, bytes) in options.BodyLimitOverrides)
        {
            if (path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return bytes;
            }
        }

        return options.MaxRequestBodyBytes;
    }
}
