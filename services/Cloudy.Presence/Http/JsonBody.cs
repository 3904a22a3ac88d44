using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cloudy.Presence.Http;

/// <summary>
/// Reads a small JSON body itself, so every way it can be wrong (media type, size, syntax, shape) is a 4xx
/// problem in whatever host runs the endpoints, independent of that host's exception handling.
/// </summary>
internal static class JsonBody
{
    /// <summary>A full allowlist of 500 ids is about 13 KB.</summary>
    public const int MaxBytes = 32 * 1024;

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.Make(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."));
        }

        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge());
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[8 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return (null, TooLarge());
                }

                buffer.Write(chunk, 0, read);
            }

            var value = JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type);
            return value is null ? (null, Problems.BadRequest("The request body must be a JSON object.")) : (value, null);
        }
        catch (JsonException)
        {
            // The exception text can quote the input; say only what is wrong in general.
            return (null, Problems.BadRequest("The request body is not valid JSON of the expected shape."));
        }
        catch (BadHttpRequestException bad)
        {
            return (null, Problems.Make(bad.StatusCode, "Bad request", "The request body could not be read."));
        }
    }

    private static IResult TooLarge() =>
        Problems.Make(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"Presence request bodies are limited to {MaxBytes} bytes.");
}
