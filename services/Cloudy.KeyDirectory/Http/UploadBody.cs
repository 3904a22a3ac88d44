using Cloudy.ServiceDefaults.Http;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Cloudy.KeyDirectory.Http;

/// <summary>
/// Reads the upload body itself so that every way it can be wrong (media type, size, not JSON,
/// not base64, wrong shape) becomes a 4xx problem in any host, whatever its exception handling.
/// </summary>
internal static class UploadBody
{
    public static async Task<(UploadKeysRequest? Body, IResult? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (null, ProblemResults.Make(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send the keys as application/json."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(maxBytes));
        }

        // Kestrel enforces this while the body streams in (chunked bodies have no Content-Length).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit
            && (limit.MaxRequestBodySize is null || limit.MaxRequestBodySize > maxBytes))
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        try
        {
            var body = await JsonSerializer.DeserializeAsync(request.Body, KeyDirectoryJsonContext.Default.UploadKeysRequest, cancellationToken)
                .ConfigureAwait(false);
            return body is null ? (null, ProblemResults.BadRequest("The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException)
        {
            // Its message can quote the input; invalid base64 key bytes also land here.
            return (null, ProblemResults.BadRequest("The body is not JSON of the expected shape (key bytes are standard base64)."));
        }
        catch (BadHttpRequestException bad)
        {
            return bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? (null, TooLarge(maxBytes))
                : (null, ProblemResults.Make(bad.StatusCode, "Bad request", "The request body could not be read."));
        }
    }

    private static IResult TooLarge(int maxBytes) =>
        ProblemResults.Make(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"Key uploads are limited to {maxBytes} bytes.");
}
