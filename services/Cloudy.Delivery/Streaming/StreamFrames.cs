using System.Text.Json.Serialization;
using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Http;

namespace Cloudy.Delivery.Streaming;

/// <summary>Frame types of the stream protocol (docs/api-delivery.md).</summary>
public static class FrameTypes
{
    /// <summary>Server → client: one envelope.</summary>
    public const string Envelope = "envelope";

    /// <summary>Server → client: every envelope stored at connect time has been sent.</summary>
    public const string QueueEmpty = "queue-empty";

    /// <summary>Server → client: a client frame was refused (the stream stays open).</summary>
    public const string Error = "error";

    /// <summary>Server → client: a watched account's presence changed (ephemeral: never stored, never acknowledged).</summary>
    public const string Presence = "presence";

    /// <summary>Client → server: delete an envelope from my mailbox.</summary>
    public const string Ack = "ack";
}

/// <summary>WebSocket close codes of the stream (private-use range).</summary>
public static class StreamCloseCodes
{
    /// <summary>Another connection of the same device replaced this one.</summary>
    public const int Replaced = 4000;

    /// <summary>The device was removed from its account.</summary>
    public const int DeviceRemoved = 4001;
}

/// <summary>A server → client frame (JSON text message).</summary>
/// <param name="Type">One of <see cref="FrameTypes"/>.</param>
/// <param name="Envelope">The envelope (type <c>envelope</c>).</param>
/// <param name="Id">The envelope id an error refers to.</param>
/// <param name="Code">Error code: <c>bad-frame</c>, <c>unknown-envelope</c>.</param>
/// <param name="Presence">The presence change (type <c>presence</c>).</param>
public sealed record StreamFrame(string Type, Envelope? Envelope = null, string? Id = null, string? Code = null, PresenceFrame? Presence = null);

/// <summary>The body of a <c>presence</c> frame: account ids and a rounded timestamp only.</summary>
/// <param name="AccountId">The account whose presence changed.</param>
/// <param name="Online">True while one of its devices holds a live stream.</param>
/// <param name="LastSeen">When it was last online (rounded by presence); written as null while online or never seen.</param>
public sealed record PresenceFrame(
    string AccountId,
    bool Online,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastSeen);

/// <summary>A client → server frame.</summary>
/// <param name="Type">Only <c>ack</c>.</param>
/// <param name="Id">The envelope id acknowledged.</param>
public sealed record ClientFrame(string? Type, string? Id);

/// <summary>A message on an instance's pub/sub channel.</summary>
/// <param name="Kind"><c>mail</c> (the device's mailbox has new envelopes), <c>push</c> (live-only envelope),
/// <c>presence</c> (a watched account's presence changed) or <c>close</c>.</param>
/// <param name="AccountId">The device's account.</param>
/// <param name="DeviceId">The device.</param>
/// <param name="ConnectionId">The connection meant (stale messages for a replaced connection are ignored).</param>
/// <param name="CloseCode">For <c>close</c>: the close code.</param>
/// <param name="Envelope">For <c>push</c>: the envelope.</param>
/// <param name="Presence">For <c>presence</c>: the change to forward.</param>
public sealed record Notification(
    string Kind, string AccountId, int DeviceId, string ConnectionId, int? CloseCode = null, Envelope? Envelope = null, PresenceFrame? Presence = null);
