using System.Net;
using System.Text.Json;

namespace Cloudy.Client;

/// <summary>
/// The server refused a request. Carries the RFC 7807 problem the server returned
/// (title and detail are for people; branch on <see cref="Status"/> and <see cref="Type"/>).
/// </summary>
public sealed class CloudyApiException : Exception
{
    /// <summary>Creates the exception from a problem response.</summary>
    public CloudyApiException(HttpStatusCode status, string? title, string? detail)
        : this(status, title, detail, null, null)
    {
    }

    /// <summary>Creates the exception from a problem response with its type and extension members.</summary>
    public CloudyApiException(HttpStatusCode status, string? title, string? detail, string? type, IReadOnlyDictionary<string, JsonElement>? extensions)
        : base($"{(int)status} {title ?? status.ToString()}{(detail is null ? "" : ": " + detail)}")
    {
        Status = status;
        Title = title;
        Detail = detail;
        Type = type;
        Extensions = extensions ?? new Dictionary<string, JsonElement>();
    }

    /// <summary>The HTTP status code.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The problem's title.</summary>
    public string? Title { get; }

    /// <summary>The problem's detail.</summary>
    public string? Detail { get; }

    /// <summary>The problem type URI, e.g. <c>urn:cloudy:problem:mismatched-devices</c>.</summary>
    public string? Type { get; }

    /// <summary>Extension members of the problem (e.g. <c>missingDevices</c>).</summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; }

    /// <summary>An integer-array extension member (e.g. <c>missingDevices</c>), empty when absent or malformed.</summary>
    public IReadOnlyList<int> GetIntList(string name)
    {
        if (!Extensions.TryGetValue(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var list = new List<int>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var number))
            {
                list.Add(number);
            }
        }

        return list;
    }
}
