using System.Text.Json.Serialization.Metadata;
using Cloudy.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace Cloudy.Identity.Http;

/// <summary>Reads identity request bodies with <see cref="JsonRequestBody"/> under identity's small cap.</summary>
internal static class JsonBody
{
    /// <summary>Identity request bodies are a few hundred bytes; anything near this is not ours.</summary>
    public const int MaxBytes = 16 * 1024;

    public static Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class =>
        JsonRequestBody.ReadAsync(request, type, MaxBytes, cancellationToken);
}
