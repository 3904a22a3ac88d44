using System.Net;
using Cloudy.Client.Wire;

namespace Cloudy.Client;

/// <summary>The key directory (<c>/v1/keys</c>): upload my device's keys, fetch others' prekey bundles, count mine.</summary>
public sealed class KeysClient
{
    private readonly IdentityClient _identity;

    /// <summary>Creates the client; it authenticates as <paramref name="identity"/>'s device.</summary>
    public KeysClient(IdentityClient identity) => _identity = identity;

    /// <summary>Uploads keys of the caller's device (a present prekey list replaces the stored one).</summary>
    public Task UploadAsync(UploadKeysRequest keys, CancellationToken cancellationToken = default) =>
        _identity.SendAsync<UploadKeysRequest, object>(HttpMethod.Put, "v1/keys", keys, ClientJsonContext.Default.UploadKeysRequest, null, true, cancellationToken);

    /// <summary>One-time prekeys the caller's device has left on the server.</summary>
    public async Task<PreKeyCountsResponse> GetCountsAsync(CancellationToken cancellationToken = default) =>
        (await _identity.SendAsync<object, PreKeyCountsResponse>(HttpMethod.Get, "v1/keys/counts", null, null,
            ClientJsonContext.Default.PreKeyCountsResponse, true, cancellationToken))!;

    /// <summary>
    /// Bundles of every device of <paramref name="accountId"/>, or of one device; each fetch consumes one-time keys,
    /// and the server rate-limits fetches per requester and target. Empty when the account or device has no keys.
    /// </summary>
    public async Task<IReadOnlyList<DeviceBundle>> FetchAsync(string accountId, int? deviceId = null, CancellationToken cancellationToken = default)
    {
        var path = deviceId is { } id
            ? $"v1/keys/{Uri.EscapeDataString(accountId)}/{id}"
            : $"v1/keys/{Uri.EscapeDataString(accountId)}";
        try
        {
            return (await _identity.SendAsync<object, PreKeyBundleResponse>(HttpMethod.Get, path, null, null,
                ClientJsonContext.Default.PreKeyBundleResponse, true, cancellationToken))!.Devices;
        }
        catch (CloudyApiException e) when (e.Status == HttpStatusCode.NotFound)
        {
            return [];
        }
    }
}
