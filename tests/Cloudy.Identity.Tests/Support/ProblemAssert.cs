using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cloudy.Identity.Tests;

/// <summary>Assertions on RFC 7807 responses.</summary>
public static class ProblemAssert
{
    /// <summary>Asserts an <c>application/problem+json</c> response whose <c>status</c> is <paramref name="status"/>.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
    }
}
