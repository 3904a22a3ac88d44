using System.Globalization;
using Cloudy.Client.Wire;
using Cloudy.Contracts.Delivery;

namespace Cloudy.Client;

/// <summary>
/// Delivery over REST (<c>/v1/messages</c>): send ciphertexts to every device of an account, and the
/// fetch/ack fallback for a device without a stream.
/// </summary>
public sealed class MessagesClient
{
    private readonly IdentityClient _identity;

    /// <summary>Creates the client; it authenticates as <paramref name="identity"/>'s device.</summary>
    public MessagesClient(IdentityClient identity) => _identity = identity;

    /// <summary>
    /// Sends one ciphertext per device of <paramref name="accountId"/>. A wrong device list is a
    /// <see cref="CloudyApiException"/> 409 (<c>missingDevices</c>, <c>extraDevices</c>) or 410 (<c>staleDevices</c>).
    /// </summary>
    public async Task<SendResponse> SendAsync(string accountId, SendRequest request, CancellationToken cancellationToken = default) =>
        (await _identity.SendAsync(HttpMethod.Put, $"v1/messages/{Uri.EscapeDataString(accountId)}", request,
            ClientJsonContext.Default.SendRequest, ClientJsonContext.Default.SendResponse, true, cancellationToken))!;

    /// <summary>A page of my device's mailbox, oldest first, after <paramref name="cursor"/>.</summary>
    public async Task<MailboxPage> FetchAsync(string? cursor = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (cursor is not null)
        {
            query.Add("after=" + Uri.EscapeDataString(cursor));
        }

        if (limit is { } n)
        {
            query.Add("limit=" + n.ToString(CultureInfo.InvariantCulture));
        }

        var path = query.Count == 0 ? "v1/messages" : "v1/messages?" + string.Join('&', query);
        return (await _identity.SendAsync<object, MailboxPage>(HttpMethod.Get, path, null, null,
            ClientJsonContext.Default.MailboxPage, true, cancellationToken))!;
    }

    /// <summary>Acknowledges (deletes) an envelope of my device's mailbox.</summary>
    public Task AckAsync(string envelopeId, CancellationToken cancellationToken = default) =>
        _identity.SendAsync<object, object>(HttpMethod.Delete, $"v1/messages/{Uri.EscapeDataString(envelopeId)}", null, null, null, true, cancellationToken);
}
