using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Cloudy.ServiceDefaults;

/// <summary>
/// Turns exceptions caused by the client's input (unreadable or malformed JSON, bad parameter binding,
/// oversize bodies) into 4xx RFC 7807 problem details. Anything else falls through to the default
/// handler, which answers 500 problem details without the exception text.
/// </summary>
internal sealed class BadInputExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var status = exception switch
        {
            BadHttpRequestException bad => bad.StatusCode,
            JsonException => StatusCodes.Status400BadRequest,
            _ => 0,
        };
        if (status is < 400 or > 499 || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                // The framework's messages name the parameter, never the body's content; a raw
                // JsonException message can quote input, so it gets a fixed text instead.
                Detail = exception is BadHttpRequestException ? exception.Message : "The request body is not valid JSON.",
            },
        }).ConfigureAwait(false);
    }
}
