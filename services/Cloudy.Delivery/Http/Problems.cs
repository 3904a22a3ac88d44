using Microsoft.AspNetCore.Http.HttpResults;

namespace Cloudy.Delivery.Http;

/// <summary>RFC 7807 results of the delivery endpoints. Details never echo content.</summary>
internal static class Problems
{
    /// <summary>Problem type of a send whose device list differs from the registered devices.</summary>
    public const string MismatchedDevices = "urn:cloudy:problem:mismatched-devices";

    /// <summary>Problem type of a send that addresses removed devices.</summary>
    public const string StaleDevices = "urn:cloudy:problem:stale-devices";

    /// <summary>Problem type of a send to a full mailbox.</summary>
    public const string MailboxFull = "urn:cloudy:problem:mailbox-full";

    /// <summary>Problem type of a sender over its rate limit.</summary>
    public const string RateLimited = "urn:cloudy:problem:rate-limited";

    public static ProblemHttpResult BadRequest(string detail) => Make(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static ProblemHttpResult Unauthorized(string detail) => Make(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static ProblemHttpResult NotFound(string detail) => Make(StatusCodes.Status404NotFound, "Not found", detail);

    public static ProblemHttpResult TooLarge(string detail) => Make(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail);

    public static ProblemHttpResult Make(int status, string title, string detail, string? type = null, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, type: type, extensions: extensions);
}
