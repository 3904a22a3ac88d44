using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.Store.Durability;

/// <summary>
/// Holds back the response of every request that may have written (any method but GET, HEAD and OPTIONS) until the
/// store's writes are durable, so "200 OK" always means "survives a crash". The wait happens just before the
/// response starts, after the endpoint has done all of its writes; concurrent requests share one flush.
/// </summary>
public static class StoreDurabilityMiddleware
{
    /// <summary>Adds the durability wait when the registered store needs one (embedded Garnet); otherwise nothing.</summary>
    public static IApplicationBuilder UseStoreDurability(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<IStoreDurability>() is not { } durability || durability is ImmediateDurability)
        {
            return app;
        }

        return app.Use((context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                && !HttpMethods.IsOptions(context.Request.Method))
            {
                context.Response.OnStarting(() => durability.WaitDurableAsync(context.RequestAborted));
            }

            return next(context);
        });
    }
}
