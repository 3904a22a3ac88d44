using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cloudy.Delivery.Http;

/// <summary>
/// Reads a JSON request body with a size cap, so every way a body can be wrong (media type, size, syntax,
/// shape) ends as a 4xx problem whatever exception handling the host has.
/// </summary>
internal static class JsonBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> type, int maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.Make(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
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

    private static IResult TooLarge(int maxBytes) =>
        Problems.TooLarge($"Send request bodies are limited to {maxBytes} bytes.");
}
