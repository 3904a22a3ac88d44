namespace Cloudy.Delivery.Http;

/// <summary>Problem types of the delivery endpoints (results come from <c>ProblemResults</c>). Details never echo content.</summary>
internal static class Problems
{
    /// <summary>Problem type of a send whose device list differs from the registered devices.</summary>
    public const string MismatchedDevices = "urn:cloudy:problem:mismatched-devices";

    /// <summary>Problem type of a send that addresses removed devices.</summary>
    public const string StaleDevices = "urn:cloudy:problem:stale-devices";

    /// <summary>Problem type of a send to a full mailbox.</summary>
    public const string MailboxFull = "urn:cloudy:problem:mailbox-full";

    /// <summary>Problem type of a sender over its rate limit.</summary>
    public const string RateLimited = "urn:cloudy:problem:rate-limited";
}
