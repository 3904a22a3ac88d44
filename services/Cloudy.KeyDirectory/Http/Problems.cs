using Microsoft.AspNetCore.Http.HttpResults;

namespace Cloudy.KeyDirectory.Http;

/// <summary>RFC 7807 results of the key-directory endpoints. Details name fields, never key bytes.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) => Make(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult Unauthorized(string detail) => Make(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static ProblemHttpResult NotFound(string detail) => Make(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult Conflict(string detail) => Make(StatusCodes.Status409Conflict, "Conflict", detail);

    public static ProblemHttpResult BadSignature(string detail) =>
        Make(StatusCodes.Status422UnprocessableEntity, "Invalid signature", detail);

    public static ProblemHttpResult Make(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
