using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.ServiceDefaults;

/// <summary>The hook services use to add their source-generated JSON contexts.</summary>
public static class JsonExtensions
{
    /// <summary>
    /// Puts <paramref name="resolver"/> (a <c>JsonSerializerContext</c>) first in the HTTP JSON
    /// <see cref="System.Text.Json.JsonSerializerOptions.TypeInfoResolverChain"/>, so request and response
    /// types of minimal APIs use generated metadata. Several services may each add their own context.
    /// </summary>
    public static IServiceCollection AddJsonTypeInfoResolver(this IServiceCollection services, IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return services.Configure<JsonOptions>(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, resolver));
    }
}
