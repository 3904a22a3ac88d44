using System.Globalization;
using System.Threading.RateLimiting;
using Cloudy.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Cloudy.Edge;

/// <summary>Builds the edge's chained, partitioned rate limiter (fixed windows: <see cref="FixedWindowPartitions{TResource}"/>).</summary>
internal static class EdgeRateLimiting
{
    public static void Configure(RateLimiterOptions options, RateLimitOptions limits)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        // Every limiter below must grant a permit: per client, per account, then the path's bucket both ways.
        options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
            new FixedWindowPartitions<HttpContext>(context => ("client:" + ClientKey(context), limits.PerClient)),
            new FixedWindowPartitions<HttpContext>(context =>
                context.User.TryGetAccountId(out var account) ? ("account:" + account, limits.PerAccount) : null),
            new FixedWindowPartitions<HttpContext>(context =>
                EdgeBuckets.Match(context.Request) is { } bucket
                    ? (bucket + ":client:" + ClientKey(context), BucketLimit(bucket, limits))
                    : null),
            new FixedWindowPartitions<HttpContext>(context =>
                EdgeBuckets.Match(context.Request) == EdgeBuckets.LinkResolve && context.User.TryGetAccountId(out var account)
                    ? (EdgeBuckets.LinkResolve + ":account:" + account, limits.LinkResolvePerAccount)
                    : null));

        options.OnRejected = (context, _) =>
        {
            if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            {
                context.HttpContext.Response.Headers.RetryAfter =
                    Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            return new ValueTask(AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests,
                "Too many requests", "Rate limit exceeded; retry after the time in the Retry-After header."));
        };
    }

    private static Limit BucketLimit(string bucket, RateLimitOptions limits) => bucket switch
    {
        EdgeBuckets.Registration => limits.Registration,
        EdgeBuckets.Login => limits.Login,
        _ => limits.LinkResolve,
    };

    private static string ClientKey(HttpContext context) =>
        context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
