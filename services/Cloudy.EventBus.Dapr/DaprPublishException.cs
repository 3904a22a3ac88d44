using System.Net;

namespace Cloudy.EventBus.Dapr;

/// <summary>The sidecar refused or failed a publish; the event was not accepted.</summary>
public sealed class DaprPublishException : Exception
{
    /// <summary>Creates the exception for a non-success sidecar response.</summary>
    public DaprPublishException(string topic, HttpStatusCode statusCode, string sidecarError)
        : base($"Dapr sidecar rejected publish to '{topic}' with {(int)statusCode}: {sidecarError}")
    {
        Topic = topic;
        StatusCode = statusCode;
    }

    /// <summary>The topic the event was meant for.</summary>
    public string Topic { get; }

    /// <summary>The sidecar's HTTP status code.</summary>
    public HttpStatusCode StatusCode { get; }
}
