using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Cloudy.Contracts.Identity;
using Cloudy.Identity.Domain;

namespace Cloudy.Identity.Tests;

/// <summary>A registered, logged-in device as a test sees it.</summary>
public sealed record TestAccount(string AccountId, int DeviceId, TestDevice Device, string Token);

/// <summary>Client-side steps of the identity API, done the way the CLI does them.</summary>
public static class IdentityClient
{
    /// <summary>POSTs <paramref name="json"/> verbatim as application/json.</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient http, string path, string json, string? token = null) =>
        http.SendAsync(Request(HttpMethod.Post, path, token, new StringContent(json, Encoding.UTF8, "application/json")));

    /// <summary>POSTs <paramref name="body"/> as JSON.</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string path, object body, string? token = null) =>
        http.SendAsync(Request(HttpMethod.Post, path, token, JsonContent.Create(body)));

    /// <summary>Sends a bodiless request with an optional bearer token.</summary>
    public static Task<HttpResponseMessage> SendAsync(this HttpClient http, HttpMethod method, string path, string? token = null) =>
        http.SendAsync(Request(method, path, token, null));

    /// <summary>Creates an account for a new device.</summary>
    public static async Task<(string AccountId, TestDevice Device)> RegisterAsync(this HttpClient http)
    {
        var device = new TestDevice();
        var response = await http.PostJsonAsync("/v1/accounts", new { signingKey = device.PublicKey });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, body.GetProperty("deviceId").GetInt32());
        return (body.GetProperty("accountId").GetString()!, device);
    }

    /// <summary>Asks for a challenge and returns the nonce bytes.</summary>
    public static async Task<byte[]> ChallengeAsync(this HttpClient http, string accountId, int deviceId)
    {
        var response = await http.PostJsonAsync("/v1/auth/challenge", new { accountId, deviceId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return Base64Url.DecodeFromChars(body.GetProperty("nonce").GetString());
    }

    /// <summary>Answers a challenge; returns the raw response.</summary>
    public static Task<HttpResponseMessage> AnswerAsync(this HttpClient http, string accountId, int deviceId, byte[] nonce, byte[] signature) =>
        http.PostJsonAsync("/v1/auth/login", new
        {
            accountId,
            deviceId,
            nonce = Base64Url.EncodeToString(nonce),
            signature = Base64Url.EncodeToString(signature),
        });

    /// <summary>Challenge, sign <see cref="LoginMessage"/>, login; returns the access token.</summary>
    public static async Task<string> LoginAsync(this HttpClient http, string accountId, int deviceId, TestDevice device)
    {
        var nonce = await http.ChallengeAsync(accountId, deviceId);
        var response = await http.AnswerAsync(accountId, deviceId, nonce, device.Sign(LoginMessage.Build(nonce, accountId, deviceId)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Registers and logs in.</summary>
    public static async Task<TestAccount> NewAccountAsync(this HttpClient http)
    {
        var (accountId, device) = await http.RegisterAsync();
        return new TestAccount(accountId, 1, device, await http.LoginAsync(accountId, 1, device));
    }

    /// <summary>Links a new device to <paramref name="owner"/>'s account and logs it in.</summary>
    public static async Task<TestAccount> LinkDeviceAsync(this HttpClient http, TestAccount owner)
    {
        var code = await http.IssueLinkCodeAsync(owner.Token);
        var device = new TestDevice();
        var response = await http.PostJsonAsync("/v1/devices/redeem", new { code, signingKey = device.PublicKey });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var deviceId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deviceId").GetInt32();
        return new TestAccount(owner.AccountId, deviceId, device, await http.LoginAsync(owner.AccountId, deviceId, device));
    }

    /// <summary>Issues a link code with <paramref name="token"/>.</summary>
    public static async Task<string> IssueLinkCodeAsync(this HttpClient http, string token)
    {
        var response = await http.SendAsync(HttpMethod.Post, "/v1/devices/link-codes", token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString()!;
    }

    /// <summary>Resolves a public-link handle, optionally as an authenticated caller.</summary>
    public static Task<HttpResponseMessage> ResolveAsync(this HttpClient http, string handle, string? token = null) =>
        http.PostJsonAsync("/v1/links/resolve", new { handle }, token);

    /// <summary>Reads a string property of a JSON response.</summary>
    public static async Task<string> ReadStringAsync(this HttpResponseMessage response, string property) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty(property).GetString()!;

    private static HttpRequestMessage Request(HttpMethod method, string path, string? token, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }
}
