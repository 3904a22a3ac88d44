using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cloudy.Delivery.Tests.Support;

/// <summary>One per-device entry of a send body.</summary>
public sealed record Msg(int DeviceId, string Content, int Type = 2, int? RegistrationId = null);

/// <summary>HTTP calls of the delivery API, as a client makes them (raw JSON, so tests also send malformed bodies).</summary>
public static class DeliveryApi
{
    /// <summary>Content bytes as the API carries them (base64url, no padding).</summary>
    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);

    /// <summary>Distinct ciphertext-like content for a label.</summary>
    public static string Content(string label) => B64(Encoding.UTF8.GetBytes("ciphertext:" + label));

    /// <summary>The JSON body of a send.</summary>
    public static string Body(IEnumerable<Msg> messages, long timestamp = 1_700_000_000_000, bool? ephemeral = null)
    {
        var array = new JsonArray();
        foreach (var m in messages)
        {
            var item = new JsonObject { ["deviceId"] = m.DeviceId, ["type"] = m.Type, ["content"] = m.Content };
            if (m.RegistrationId is { } reg)
            {
                item["registrationId"] = reg;
            }

            array.Add(item);
        }

        var body = new JsonObject { ["messages"] = array, ["timestamp"] = timestamp };
        if (ephemeral is { } e)
        {
            body["ephemeral"] = e;
        }

        return body.ToJsonString();
    }

    /// <summary>PUT /v1/messages/{account} with a raw body.</summary>
    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient http, string? token, string account, string body, string mediaType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Put, "/v1/messages/" + account) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        Authorize(request, token);
        return http.SendAsync(request);
    }

    /// <summary>PUT /v1/messages/{account}.</summary>
    public static Task<HttpResponseMessage> SendAsync(this HttpClient http, string token, string account, params Msg[] messages) =>
        http.SendRawAsync(token, account, Body(messages));

    /// <summary>Sends and asserts 200; returns the response JSON.</summary>
    public static async Task<JsonElement> SendOkAsync(this HttpClient http, string token, string account, params Msg[] messages)
    {
        using var response = await http.SendAsync(token, account, messages);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>GET /v1/messages.</summary>
    public static Task<HttpResponseMessage> FetchRawAsync(this HttpClient http, string? token, string query = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/messages" + query);
        Authorize(request, token);
        return http.SendAsync(request);
    }

    /// <summary>GET /v1/messages, asserting 200; returns the page.</summary>
    public static async Task<JsonElement> FetchAsync(this HttpClient http, string token, string query = "")
    {
        using var response = await http.FetchRawAsync(token, query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The envelopes of a fetched page.</summary>
    public static List<JsonElement> Envelopes(this JsonElement page) => [.. page.GetProperty("envelopes").EnumerateArray()];

    /// <summary>Waits until the device's mailbox holds <paramref name="count"/> envelopes; returns them.</summary>
    public static async Task<List<JsonElement>> WaitForMailboxAsync(this HttpClient http, string token, int count)
    {
        List<JsonElement> envelopes = [];
        await Eventually.TrueAsync(async () => (envelopes = (await http.FetchAsync(token)).Envelopes()).Count >= count);
        Assert.Equal(count, envelopes.Count);
        return envelopes;
    }

    /// <summary>DELETE /v1/messages/{id}.</summary>
    public static Task<HttpResponseMessage> AckAsync(this HttpClient http, string? token, string envelopeId)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, "/v1/messages/" + envelopeId);
        Authorize(request, token);
        return http.SendAsync(request);
    }

    /// <summary>Asserts an RFC 7807 answer with <paramref name="status"/>; returns its JSON.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>The int list of a problem extension.</summary>
    public static int[] Ints(this JsonElement problem, string name) => [.. problem.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];

    private static void Authorize(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }
}
