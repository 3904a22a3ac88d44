using Microsoft.AspNetCore.Http.HttpResults;

namespace Cloudy.Presence.Http;

/// <summary>RFC 7807 results of the presence endpoints. Details never echo input.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) => Make(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult Unauthorized() =>
        Make(StatusCodes.Status401Unauthorized, "Unauthorized", "The token does not name a valid account and device.");

    /// <summary>The one answer for "no such account", "hides from you" and "malformed id": they must look alike.</summary>
    public static ProblemHttpResult NotFound() => Make(StatusCodes.Status404NotFound, "Not found", "No presence is available for this account.");

    public static ProblemHttpResult Gone() =>
        Make(StatusCodes.Status409Conflict, "Conflict", "This account is being deleted.");

    public static ProblemHttpResult Make(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
