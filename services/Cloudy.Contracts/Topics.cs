namespace Cloudy.Contracts;

/// <summary>
/// Versioned Kafka topic names. A breaking change to an event's schema gets a new topic
/// (<c>.v2</c>) rather than a silent reinterpretation of old records.
/// </summary>
public static class Topics
{
    /// <summary>Account and device lifecycle, keyed by account id.</summary>
    public const string Identity = "cloudy.identity.v1";

    /// <summary>Key-directory events (identity key changed, prekeys low), keyed by account id.</summary>
    public const string Keys = "cloudy.keys.v1";

    /// <summary>Ciphertext envelopes, keyed by recipient account id.</summary>
    public const string Envelopes = "cloudy.envelopes.v1";

    /// <summary>Device connect / disconnect events, keyed by account id.</summary>
    public const string Connections = "cloudy.connections.v1";

    /// <summary>Presence changes to push to watchers, keyed by the account whose presence changed.</summary>
    public const string Presence = "cloudy.presence.v1";

    /// <summary>The dead-letter topic for a source topic.</summary>
    public static string DeadLetter(string topic) => topic + ".dlq";

    /// <summary>Every topic the platform uses, for tools that pre-create them.</summary>
    public static IReadOnlyList<string> All { get; } = [Identity, Keys, Envelopes, Connections, Presence];
}
