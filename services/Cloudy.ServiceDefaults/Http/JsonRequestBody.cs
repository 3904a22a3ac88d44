using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Cloudy.ServiceDefaults.Http;

/// <summary>
/// Reads a JSON request body with a size cap, so every way a body can be wrong (media type, size,
/// truncation, syntax, shape) ends as a 4xx problem in whatever host runs the endpoint, independent
/// of that host's exception handling — the embedded host and a service's own process behave alike.
/// </summary>
public static class JsonRequestBody
{
    /// <summary>
    /// Reads and deserializes the body as <typeparamref name="T"/>. Exactly one of the results is non-null:
    /// the value, or the problem to return.
    /// </summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> type, int maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasJsonContentType())
        {
            return (null, ProblemResults.Make(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        // Kestrel then enforces the cap while a chunked body (no Content-Length) streams in.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit
            && (limit.MaxRequestBodySize is null || limit.MaxRequestBodySize > maxBytes))
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, TooLarge(maxBytes));
                }

                buffer.Write(chunk, 0, read);
            }

            var value = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type);
            return value is null ? (null, ProblemResults.BadRequest("The request body must be a JSON object.")) : (value, null);
        }
        catch (JsonException)
        {
            // The exception text can quote the input; say only what is wrong in general.
            return (null, ProblemResults.BadRequest("The request body is not valid JSON of the expected shape."));
        }
        catch (BadHttpRequestException bad)
        {
            return bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? (null, TooLarge(maxBytes))
                : (null, ProblemResults.Make(bad.StatusCode, "Bad request", "The request body could not be read."));
        }
    }

    private static IResult TooLarge(int maxBytes) =>
        ProblemResults.TooLarge($"Request bodies are limited to {maxBytes} bytes here.");
}
