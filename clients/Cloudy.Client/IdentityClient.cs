using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Cloudy.Contracts.Identity;

namespace Cloudy.Client;

/// <summary>
/// The identity API through the gateway: accounts, challenge–response login, devices and the
/// public link. One instance per device; it logs in on demand and renews its token before expiry.
/// </summary>
public sealed class IdentityClient
{
    private static readonly TimeSpan _renewMargin = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private TokenResponse? _token;

    /// <summary>Creates a client over <paramref name="http"/> (its BaseAddress is the gateway).</summary>
    public IdentityClient(HttpClient http, DeviceCredentials? device = null, TimeProvider? time = null)
    {
        _http = http;
        Device = device;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The HTTP client (its BaseAddress is the gateway); the other API clients share it.</summary>
    internal HttpClient Http => _http;

    /// <summary>The device this client acts as, once registered or linked.</summary>
    public DeviceCredentials? Device { get; private set; }

    /// <summary>Creates an account with a fresh device key; the client then acts as its first device.</summary>
    public async Task<DeviceCredentials> CreateAccountAsync(CancellationToken cancellationToken = default)
    {
        var key = DeviceCredentials.NewSigningKey();
        var publicKey = Base64Url.EncodeToString(key.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey));
        var registered = await SendAsync(HttpMethod.Post, "v1/accounts", new CreateAccountRequest(publicKey),
            ClientJsonContext.Default.CreateAccountRequest, ClientJsonContext.Default.DeviceRegistered, authenticated: false, cancellationToken);
        Device = DeviceCredentials.Create(registered!.AccountId, registered.DeviceId, key);
        _token = null;
        return Device;
    }

    /// <summary>Redeems a link code from an existing device; the client then acts as the new device.</summary>
    public async Task<DeviceCredentials> RedeemLinkCodeAsync(string code, CancellationToken cancellationToken = default)
    {
        var key = DeviceCredentials.NewSigningKey();
        var publicKey = Base64Url.EncodeToString(key.PublicKey.Export(NSec.Cryptography.KeyBlobFormat.RawPublicKey));
        var registered = await SendAsync(HttpMethod.Post, "v1/devices/redeem", new RedeemRequest(code, publicKey),
            ClientJsonContext.Default.RedeemRequest, ClientJsonContext.Default.DeviceRegistered, authenticated: false, cancellationToken);
        Device = DeviceCredentials.Create(registered!.AccountId, registered.DeviceId, key);
        _token = null;
        return Device;
    }

    /// <summary>Logs in by signing a fresh server challenge; returns the bearer token.</summary>
    public async Task<string> LoginAsync(CancellationToken cancellationToken = default)
    {
        var device = Device ?? throw new InvalidOperationException("No device: create an account or redeem a link code first.");
        var challenge = await SendAsync(HttpMethod.Post, "v1/auth/challenge", new ChallengeRequest(device.AccountId, device.DeviceId),
            ClientJsonContext.Default.ChallengeRequest, ClientJsonContext.Default.ChallengeResponse, authenticated: false, cancellationToken);
        var nonce = Base64Url.DecodeFromChars(challenge!.Nonce);
        var signature = device.Sign(LoginMessage.Build(nonce, device.AccountId, device.DeviceId));
        _token = await SendAsync(HttpMethod.Post, "v1/auth/login",
            new LoginRequest(device.AccountId, device.DeviceId, challenge.Nonce, Base64Url.EncodeToString(signature)),
            ClientJsonContext.Default.LoginRequest, ClientJsonContext.Default.TokenResponse, authenticated: false, cancellationToken);
        return _token!.AccessToken;
    }

    /// <summary>The last token this client obtained (null before the first login); a short-lived CLI keeps it between runs.</summary>
    public TokenResponse? CurrentToken => _token;

    /// <summary>
    /// Reuses a token obtained earlier by this device (e.g. kept in an encrypted profile between CLI runs); ignored when it
    /// belongs to another device. <see cref="GetTokenAsync"/> still logs in again once it is about to expire.
    /// </summary>
    public void UseToken(TokenResponse token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (Device is { } device && token.AccountId == device.AccountId && token.DeviceId == device.DeviceId)
        {
            _token = token;
        }
    }

    /// <summary>A valid bearer token, logging in again when the current one is about to expire.</summary>
    public async Task<string> GetTokenAsync(CancellationToken cancellationToken = default) =>
        _token is { } token && token.ExpiresAt - _renewMargin > _time.GetUtcNow()
            ? token.AccessToken
            : await LoginAsync(cancellationToken);

    /// <summary>The caller's account.</summary>
    public Task<AccountResponse?> GetAccountAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, AccountResponse>(HttpMethod.Get, "v1/accounts/me", null, null, ClientJsonContext.Default.AccountResponse, true, cancellationToken);

    /// <summary>Deletes the caller's account and everything the platform holds for it.</summary>
    public Task DeleteAccountAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, "v1/accounts/me", null, null, null, true, cancellationToken);

    /// <summary>The caller's devices.</summary>
    public async Task<IReadOnlyList<DeviceResponse>> ListDevicesAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<object, DeviceListResponse>(HttpMethod.Get, "v1/devices", null, null, ClientJsonContext.Default.DeviceListResponse, true, cancellationToken))!.Devices;

    /// <summary>Issues a short-lived one-time code another device redeems to join this account.</summary>
    public Task<LinkCodeResponse?> IssueLinkCodeAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, LinkCodeResponse>(HttpMethod.Post, "v1/devices/link-codes", null, null, ClientJsonContext.Default.LinkCodeResponse, true, cancellationToken);

    /// <summary>Removes a device of the caller's account.</summary>
    public Task RemoveDeviceAsync(int deviceId, CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, $"v1/devices/{deviceId}", null, null, null, true, cancellationToken);

    /// <summary>The caller's public-link handle, or <c>null</c> when the link is disabled.</summary>
    public async Task<string?> GetPublicLinkAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await SendAsync<object, PublicLinkResponse>(HttpMethod.Get, "v1/accounts/me/link", null, null, ClientJsonContext.Default.PublicLinkResponse, true, cancellationToken))!.Handle;
        }
        catch (CloudyApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Enables the public link (idempotent) and returns its handle.</summary>
    public async Task<string> EnablePublicLinkAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<object, PublicLinkResponse>(HttpMethod.Put, "v1/accounts/me/link", null, null, ClientJsonContext.Default.PublicLinkResponse, true, cancellationToken))!.Handle;

    /// <summary>Replaces the handle; the old one stops resolving at once.</summary>
    public async Task<string> RotatePublicLinkAsync(CancellationToken cancellationToken = default) =>
        (await SendAsync<object, PublicLinkResponse>(HttpMethod.Post, "v1/accounts/me/link/rotate", null, null, ClientJsonContext.Default.PublicLinkResponse, true, cancellationToken))!.Handle;

    /// <summary>Disables the public link; its handle resolves to 404 from now on.</summary>
    public Task DisablePublicLinkAsync(CancellationToken cancellationToken = default) =>
        SendAsync<object, object>(HttpMethod.Delete, "v1/accounts/me/link", null, null, null, true, cancellationToken);

    /// <summary>Resolves someone's public-link handle to their account id, or <c>null</c> when it does not resolve.</summary>
    public async Task<string?> ResolvePublicLinkAsync(string handle, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await SendAsync(HttpMethod.Post, "v1/links/resolve", new ResolveLinkRequest(handle), ClientJsonContext.Default.ResolveLinkRequest,
                ClientJsonContext.Default.ResolvedLinkResponse, Device is not null, cancellationToken))!.AccountId;
        }
        catch (CloudyApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Sends a request with an optional JSON body and reads an optional JSON answer; problems become <see cref="CloudyApiException"/>.</summary>
    internal async Task<TResponse?> SendAsync<TRequest, TResponse>(
        HttpMethod method, string path, TRequest? body, JsonTypeInfo<TRequest>? requestType, JsonTypeInfo<TResponse>? responseType,
        bool authenticated, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null && requestType is not null)
        {
            request.Content = JsonContent.Create(body, requestType);
        }

        if (authenticated)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetTokenAsync(cancellationToken));
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Problem? problem = null;
            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
            {
                problem = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.Problem, cancellationToken);
            }

            throw new CloudyApiException(response.StatusCode, problem?.Title, problem?.Detail, problem?.Type, problem?.Extensions);
        }

        return responseType is null ? default : await response.Content.ReadFromJsonAsync(responseType, cancellationToken);
    }
}
