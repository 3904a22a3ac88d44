using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace Cloudy.EndToEnd.Tests;

/// <summary>
/// A client device talking to the public API the way a real client does: its own Ed25519 key (OS CSPRNG,
/// private part never exported), challenge-response login, bearer token. Message layout from docs/api.md.
/// </summary>
internal sealed class CloudyDevice : IDisposable
{
    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519);
    private HttpClient _http;

    public CloudyDevice(Uri gateway) => _http = new HttpClient { BaseAddress = gateway };

    /// <summary>Talks to another address from now on (same key and ids, no token: log in again).</summary>
    public void Reconnect(Uri gateway)
    {
        _http.Dispose();
        _http = new HttpClient { BaseAddress = gateway };
    }

    public string AccountId { get; private set; } = "";

    public int DeviceId { get; private set; }

    public async Task RegisterAsync()
    {
        var publicKey = Base64Url.EncodeToString(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        using var response = await _http.PostAsJsonAsync("/v1/accounts", new { signingKey = publicKey });
        var body = await ReadJsonAsync(response, HttpStatusCode.Created);
        AccountId = body.GetProperty("accountId").GetString()!;
        DeviceId = body.GetProperty("deviceId").GetInt32();
    }

    /// <summary>Challenge, sign, login; returns the HTTP status of the challenge when it is not 200.</summary>
    public async Task<HttpStatusCode> LoginAsync()
    {
        using var challenge = await _http.PostAsJsonAsync("/v1/auth/challenge", new { accountId = AccountId, deviceId = DeviceId });
        if (challenge.StatusCode != HttpStatusCode.OK)
        {
            return challenge.StatusCode;
        }

        var nonce = (await ReadJsonAsync(challenge, HttpStatusCode.OK)).GetProperty("nonce").GetString()!;
        var signature = SignatureAlgorithm.Ed25519.Sign(_key, LoginMessage(Base64Url.DecodeFromChars(nonce)));
        using var login = await _http.PostAsJsonAsync("/v1/auth/login",
            new { accountId = AccountId, deviceId = DeviceId, nonce, signature = Base64Url.EncodeToString(signature) });
        var token = (await ReadJsonAsync(login, HttpStatusCode.OK)).GetProperty("accessToken").GetString()!;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return HttpStatusCode.OK;
    }

    public async Task<string> EnableLinkAsync() => await HandleAsync(HttpMethod.Put, "/v1/accounts/me/link");

    public async Task<string> RotateLinkAsync() => await HandleAsync(HttpMethod.Post, "/v1/accounts/me/link/rotate");

    public async Task DisableLinkAsync()
    {
        using var response = await _http.DeleteAsync("/v1/accounts/me/link");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Resolves a handle; the account id, or null on 404 (checked to be problem details).</summary>
    public async Task<string?> ResolveAsync(string handle)
    {
        using var response = await _http.PostAsJsonAsync("/v1/links/resolve", new { handle });
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return null;
        }

        return (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("accountId").GetString();
    }

    public async Task DeleteAccountAsync()
    {
        using var response = await _http.DeleteAsync("/v1/accounts/me");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public async Task<HttpStatusCode> GetAccountStatusAsync()
    {
        using var response = await _http.GetAsync("/v1/accounts/me");
        return response.StatusCode;
    }

    public void Dispose()
    {
        _key.Dispose();
        _http.Dispose();
    }

    private async Task<string> HandleAsync(HttpMethod method, string path)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(method, path));
        return (await ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("handle").GetString()!;
    }

    // "cloudy-login-v1" || 0x00 || nonce || ASCII(accountId) || 0x00 || uint32_be(deviceId), built here from
    // docs/api.md rather than with the server's LoginMessage, so a mistake in that class cannot hide itself.
    private byte[] LoginMessage(byte[] nonce)
    {
        var label = Encoding.ASCII.GetBytes("cloudy-login-v1");
        var account = Encoding.ASCII.GetBytes(AccountId);
        var device = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(device, (uint)DeviceId);
        return [.. label, 0, .. nonce, .. account, 0, .. device];
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
