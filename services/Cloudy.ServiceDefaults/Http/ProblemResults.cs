using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cloudy.ServiceDefaults.Http;

/// <summary>
/// RFC 7807 results shared by every service's endpoints. Details are written by the endpoint and must
/// never echo input: a request body can carry ciphertext, keys or tokens.
/// </summary>
public static class ProblemResults
{
    /// <summary>400: the request is malformed.</summary>
    public static ProblemHttpResult BadRequest(string detail) => Make(StatusCodes.Status400BadRequest, "Bad request", detail);

    /// <summary>401: no valid token for a still-registered device.</summary>
    public static ProblemHttpResult Unauthorized(string detail) => Make(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    /// <summary>404: no such resource (or one the caller may not know about).</summary>
    public static ProblemHttpResult NotFound(string detail) => Make(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>409: the request conflicts with the current state.</summary>
    public static ProblemHttpResult Conflict(string detail) => Make(StatusCodes.Status409Conflict, "Conflict", detail);

    /// <summary>413: the body is larger than this endpoint accepts.</summary>
    public static ProblemHttpResult TooLarge(string detail) => Make(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail);

    /// <summary>429: a rate or quota limit was reached.</summary>
    public static ProblemHttpResult TooMany(string detail) => Make(StatusCodes.Status429TooManyRequests, "Too many requests", detail);

    /// <summary>Any problem, with an optional type URI and extension members.</summary>
    public static ProblemHttpResult Make(int status, string title, string detail, string? type = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, type: type, extensions: extensions);
}
