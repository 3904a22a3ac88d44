using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Cloudy.Presence.Tests.Support;

/// <summary>Client-side calls of the presence API, as the CLI makes them.</summary>
public static class PresenceApi
{
    /// <summary>PUTs settings (anonymous object serialized as JSON).</summary>
    public static Task<HttpResponseMessage> PutSettingsAsync(this HttpClient http, object body) =>
        http.PutAsJsonAsync("/v1/presence/settings", body);

    /// <summary>PUTs <paramref name="raw"/> verbatim with <paramref name="mediaType"/>.</summary>
    public static Task<HttpResponseMessage> PutRawAsync(this HttpClient http, string path, string raw, string mediaType = "application/json") =>
        http.PutAsync(path, new StringContent(raw, Encoding.UTF8, mediaType));

    /// <summary>POSTs <paramref name="raw"/> verbatim with <paramref name="mediaType"/>.</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient http, string path, string raw, string mediaType = "application/json") =>
        http.PostAsync(path, new StringContent(raw, Encoding.UTF8, mediaType));

    /// <summary>Sets visibility and allowlist, asserting success.</summary>
    public static async Task SetVisibilityAsync(this HttpClient http, string visibility, params string[] allow)
    {
        using var response = await http.PutSettingsAsync(new { visibility, allow });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>GET /v1/presence/{account} as JSON (asserting 200).</summary>
    public static async Task<JsonElement> PresenceOfAsync(this HttpClient http, string account)
    {
        using var response = await http.GetAsync("/v1/presence/" + account);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Whether GET /v1/presence/{account} says online (200 expected).</summary>
    public static async Task<bool> IsOnlineAsync(this HttpClient http, string account) =>
        (await http.PresenceOfAsync(account)).GetProperty("online").GetBoolean();

    /// <summary>POST /v1/presence/watch with the ids, asserting 200.</summary>
    public static async Task<JsonElement> WatchAsync(this HttpClient http, params string[] accountIds)
    {
        using var response = await http.PostAsJsonAsync("/v1/presence/watch", new { accountIds });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Asserts an RFC 7807 problem with <paramref name="status"/>; returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        return body;
    }
}
