namespace Cloudy.Edge;

/// <summary>Edge settings (section <c>Edge</c>).</summary>
public sealed record EdgeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Edge";

    /// <summary>Largest request body accepted, in bytes, unless a path override applies.</summary>
    public long MaxRequestBodyBytes { get; init; } = 256 * 1024;

    /// <summary>
    /// Per-path-prefix body limits, e.g. <c>Edge:BodyLimitOverrides:/v1/messages=1048576</c>. The defaults
    /// fit the largest valid request of each service: a send to six devices at 96 KiB each (base64url) and a
    /// key upload with 100 one-time and 100 PQ prekeys; the services enforce their exact limits themselves.
    /// </summary>
    public Dictionary<string, long> BodyLimitOverrides { get; init; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["/v1/messages"] = 900 * 1024,
        ["/v1/keys"] = 512 * 1024,
    };

    /// <summary>
    /// Request-header name prefixes removed from every request before anything else runs: a client
    /// must never be able to claim an identity a downstream component might trust.
    /// </summary>
    public string[] StrippedHeaderPrefixes { get; init; } =
    [
        "X-Cloudy-", "X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups", "X-Forwarded-Preferred-Username",
        "X-Forwarded-Access-Token", "X-Remote-", "Remote-User", "X-Auth-", "X-Authenticated-", "X-User", "X-Account",
        "X-Device", "X-MS-CLIENT-PRINCIPAL",
    ];

    /// <summary>Path prefixes reachable without a token besides endpoints marked anonymous (health, OpenAPI, JWKS).</summary>
    public string[] AnonymousPathPrefixes { get; init; } = ["/health", "/alive", "/openapi", "/.well-known/jwks.json"];

    /// <summary>
    /// Addresses or CIDR networks of proxies in front of the edge (e.g. a Kubernetes ingress) whose
    /// <c>X-Forwarded-For</c> is believed. Empty (default): the client address is the TCP peer and
    /// <c>X-Forwarded-For</c> from clients is ignored, so nobody can pick their own rate-limit partition.
    /// </summary>
    public string[] TrustedProxies { get; init; } = [];

    /// <summary>Rate limits.</summary>
    public RateLimitOptions RateLimits { get; init; } = new();
}

/// <summary>A fixed-window limit: <see cref="Permits"/> requests per <see cref="Window"/>.</summary>
public sealed record Limit
{
    /// <summary>Requests allowed per window.</summary>
    public int Permits { get; init; }

    /// <summary>Window length.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>Rate limits applied at the edge (section <c>Edge:RateLimits</c>).</summary>
public sealed record RateLimitOptions
{
    /// <summary>Every request, per client address.</summary>
    public Limit PerClient { get; init; } = new() { Permits = 600 };

    /// <summary>Every authenticated request, per account.</summary>
    public Limit PerAccount { get; init; } = new() { Permits = 600 };

    /// <summary>Account creation and device-link redemption, per client address.</summary>
    public Limit Registration { get; init; } = new() { Permits = 20, Window = TimeSpan.FromHours(1) };

    /// <summary>Login challenges and logins, per client address.</summary>
    public Limit Login { get; init; } = new() { Permits = 60 };

    /// <summary>Public-link resolution per client address, against enumeration.</summary>
    public Limit LinkResolve { get; init; } = new() { Permits = 30 };

    /// <summary>Public-link resolution per account (authenticated callers), so many addresses do not multiply one account's budget.</summary>
    public Limit LinkResolvePerAccount { get; init; } = new() { Permits = 30 };
}
