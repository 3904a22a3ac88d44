using Microsoft.AspNetCore.Http;

namespace Cloudy.Security;

/// <summary>Writes RFC 7807 problem details for authentication and authorization failures.</summary>
public static class AuthProblems
{
    /// <summary>Writes a problem response with <paramref name="status"/> unless the response has started.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string? detail = null)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
    }
}
