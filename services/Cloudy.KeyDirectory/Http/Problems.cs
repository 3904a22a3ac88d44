using Cloudy.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cloudy.KeyDirectory.Http;

/// <summary>Key-directory-specific RFC 7807 results; the common ones are <see cref="ProblemResults"/>. Details name fields, never key bytes.</summary>
internal static class Problems
{
    public static ProblemHttpResult BadSignature(string detail) =>
        ProblemResults.Make(StatusCodes.Status422UnprocessableEntity, "Invalid signature", detail);
}
