using System.Globalization;
using Cloudy.Store;
using StackExchange.Redis;

namespace Cloudy.Delivery.Mailbox;

/// <summary>
/// Delivery's store layout. Every per-account key is <c>dl:{account}:…</c> with the RECIPIENT account as hash
/// tag, so one device's mailbox, the account's device registry and its connection keys share a slot (scripts
/// touch them together) and AccountDeleted's <c>dl:{account}*</c> purge removes all of them.
/// </summary>
internal static class DeliveryKeys
{
    private static readonly KeySpace _space = KeySpace.Delivery;

    /// <summary>Hash device id → linked-at ms: the account's current devices (projection of identity events).</summary>
    public static RedisKey Devices(string account) => _space.Account(account, "devices");

    /// <summary>Hash device id → removed-at ms: devices removed and not linked again (410 answers).</summary>
    public static RedisKey Removed(string account) => _space.Account(account, "removed");

    /// <summary>Sorted set envelope id → per-device sequence number: the mailbox in delivery order.</summary>
    public static RedisKey Queue(string account, int device) => Mailbox(account, device, "q");

    /// <summary>Sorted set envelope id → accepted-at ms: expiry index and idempotency record (kept after ack until expiry).</summary>
    public static RedisKey Times(string account, int device) => Mailbox(account, device, "t");

    /// <summary>Hash envelope id → stored envelope JSON.</summary>
    public static RedisKey Envelopes(string account, int device) => Mailbox(account, device, "e");

    /// <summary>Counter of the device's mailbox sequence numbers.</summary>
    public static RedisKey Sequence(string account, int device) => Mailbox(account, device, "seq");

    /// <summary>String <c>instance|connection</c> of the device's live stream, with a TTL renewed by heartbeats.</summary>
    public static RedisKey Connection(string account, int device) =>
        _space.Account(account, "conn", device.ToString(CultureInfo.InvariantCulture));

    /// <summary>Fixed-window send counter of a sender account.</summary>
    public static RedisKey SendRate(string account, long window) =>
        _space.Account(account, "rate", window.ToString(CultureInfo.InvariantCulture));

    /// <summary>Every mailbox key of one device.</summary>
    public static RedisKey[] MailboxKeys(string account, int device) =>
        [Queue(account, device), Times(account, device), Envelopes(account, device), Sequence(account, device)];

    /// <summary>Pub/sub channel of one delivery instance (see docs/adr/0006-delivery-notify.md).</summary>
    public static RedisChannel InstanceChannel(string instanceId) => RedisChannel.Literal(_space.Key("notify", instanceId));

    private static string Mailbox(string account, int device, string part) =>
        _space.Account(account, "mb", device.ToString(CultureInfo.InvariantCulture), part);
}
