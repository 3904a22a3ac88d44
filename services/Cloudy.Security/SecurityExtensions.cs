using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Security;

/// <summary>Registers Cloudy's JWT bearer validation.</summary>
public static class SecurityExtensions
{
    /// <summary>
    /// Adds JWT bearer authentication for Cloudy access tokens and makes the default authorization
    /// policy require an account and a device claim. Keys come from <c>Auth:JwksUrl</c> when set
    /// (platform mode), otherwise from the in-process <see cref="ISigningKeyProvider"/>.
    /// Safe to call from every service in one host: only the first call registers anything.
    /// </summary>
    public static IHostApplicationBuilder AddCloudyAuthentication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(AuthOptions)))
        {
            return builder;
        }

        var options = AuthOptionsLoader.Load(builder.Configuration);
        services.AddSingleton(options);
        services.TryAddSingleton<ISigningKeyProvider, FileSigningKeyProvider>();
        services.AddHttpClient(nameof(JwksRetriever));
        // The real clock, like the token library's own lifetime check: a cached token is served only before it expires.
        services.TryAddSingleton(_ => new CachingJsonWebTokenHandler());

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IServiceProvider>((bearer, provider) => Configure(bearer, options, provider));

        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(CloudyClaims.Account)
                .RequireClaim(CloudyClaims.Device)
                .Build());
        return builder;
    }

    private static void Configure(JwtBearerOptions bearer, AuthOptions options, IServiceProvider provider)
    {
        bearer.MapInboundClaims = false;
        bearer.IncludeErrorDetails = false;
        bearer.TokenHandlers.Clear();
        bearer.TokenHandlers.Add(provider.GetRequiredService<CachingJsonWebTokenHandler>());
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidAlgorithms = [CloudyClaims.Algorithm],
            ValidTypes = [TokenTypes.AccessToken],
            ClockSkew = options.ClockSkew,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            NameClaimType = CloudyClaims.Account,
        };

        if (string.IsNullOrWhiteSpace(options.JwksUrl))
        {
            bearer.ConfigurationManager = new LocalKeyConfigurationManager(provider);
        }
        else
        {
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(JwksRetriever));
            bearer.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.JwksUrl,
                new JwksRetriever(),
                // In-cluster traffic to identity is plain HTTP behind the gateway; TLS ends at the ingress.
                new HttpDocumentRetriever(http) { RequireHttps = options.JwksUrl.StartsWith("https:", StringComparison.OrdinalIgnoreCase) })
            {
                AutomaticRefreshInterval = TimeSpan.FromMinutes(5),
                RefreshInterval = options.JwksRefreshInterval,
            };
        }

        bearer.Events = new JwtBearerEvents
        {
            OnChallenge = context =>
            {
                context.HandleResponse();
                context.Response.Headers.WWWAuthenticate = "Bearer";
                return AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized,
                    "Unauthorized", "A valid Cloudy access token is required.");
            },
            // A token without both Cloudy claims is not a Cloudy access token: refuse it as
            // unauthenticated (401), not as an authenticated caller lacking rights (403).
            OnTokenValidated = context =>
            {
                if (context.Principal is not { } principal || !principal.TryGetAccountId(out _) || !principal.TryGetDeviceId(out _))
                {
                    context.Fail("The token lacks the account or device claim.");
                }

                return Task.CompletedTask;
            },
            OnForbidden = context => AuthProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden,
                "Forbidden", "The access token does not allow this operation."),
        };
    }
}

/// <summary>JWT <c>typ</c> values used by Cloudy.</summary>
public static class TokenTypes
{
    /// <summary>RFC 9068 access token type; pinning it keeps other JWTs from passing as access tokens.</summary>
    public const string AccessToken = "at+jwt";
}
