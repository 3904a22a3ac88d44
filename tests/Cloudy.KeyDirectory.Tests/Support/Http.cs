extern alias Service;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Service::Cloudy.KeyDirectory.Http;

namespace Cloudy.KeyDirectory.Tests.Support;

/// <summary>Requests and assertions on the key-directory API.</summary>
public static class Http
{
    /// <summary>PUT /v1/keys with <paramref name="upload"/> as JSON.</summary>
    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, UploadKeysRequest upload) =>
        client.PutAsJsonAsync("/v1/keys", upload, KeyDirectoryJsonContext.Default.UploadKeysRequest);

    /// <summary>PUT /v1/keys with a raw body.</summary>
    public static Task<HttpResponseMessage> UploadRawAsync(this HttpClient client, string body, string mediaType = "application/json") =>
        client.PutAsync("/v1/keys", new StringContent(body, System.Text.Encoding.UTF8, mediaType));

    /// <summary>Uploads and asserts 204.</summary>
    public static async Task UploadOkAsync(this HttpClient client, UploadKeysRequest upload)
    {
        using var response = await client.UploadAsync(upload);
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>GET a bundle path and assert 200.</summary>
    public static async Task<PreKeyBundleResponse> BundleAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync(KeyDirectoryJsonContext.Default.PreKeyBundleResponse))!;
    }

    /// <summary>GET /v1/keys/counts.</summary>
    public static async Task<PreKeyCountsResponse> CountsAsync(this HttpClient client) =>
        (await client.GetFromJsonAsync("/v1/keys/counts", KeyDirectoryJsonContext.Default.PreKeyCountsResponse))!;

    /// <summary>Asserts an <c>application/problem+json</c> response with <paramref name="status"/>.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {status}, got {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
    }
}
