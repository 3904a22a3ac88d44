using System.Globalization;
using System.Text.Json;
using Cloudy.Contracts.Delivery;
using Cloudy.Delivery.Domain;
using Cloudy.Delivery.Http;
using StackExchange.Redis;
using static Cloudy.Delivery.Mailbox.DeliveryKeys;

namespace Cloudy.Delivery.Mailbox;

/// <summary>Outcome of writing one envelope into a mailbox.</summary>
internal enum InsertOutcome
{
    /// <summary>The device is no longer registered; nothing was stored.</summary>
    DeviceGone,

    /// <summary>The id was stored (or acknowledged) before: nothing changed.</summary>
    Duplicate,

    /// <summary>Stored.</summary>
    Stored,
}

/// <summary>A stored envelope with its position in the mailbox.</summary>
internal sealed record MailboxEntry(long Sequence, Envelope Envelope);

/// <summary>
/// Per-device mailboxes: a sorted set of ids by sequence (delivery order), a sorted set of ids by acceptance
/// time (expiry and idempotency), and a hash of envelope JSON. See <see cref="MailboxScripts"/>.
/// </summary>
internal sealed class MailboxStore(IConnectionMultiplexer connection, DeliveryOptions options, TimeProvider time)
{
    private IDatabase Db => connection.GetDatabase();

    private long CutoffMs => (time.GetUtcNow() - options.MailboxTtl).ToUnixTimeMilliseconds();

    /// <summary>Stores <paramref name="envelope"/> once for its destination device; returns the outcome and the device's connection (or empty).</summary>
    public async Task<(InsertOutcome Outcome, string Connection)> InsertAsync(string account, Envelope envelope)
    {
        var device = envelope.DestinationDeviceId;
        var json = JsonSerializer.SerializeToUtf8Bytes(envelope, DeliveryJsonContext.Default.Envelope);
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(
            MailboxScripts.Insert,
            [Queue(account, device), Times(account, device), Envelopes(account, device), Sequence(account, device), Devices(account), Connection(account, device)],
            [CutoffMs, envelope.Id, json, time.GetUtcNow().ToUnixTimeMilliseconds(), (long)Math.Ceiling(options.MailboxTtl.TotalSeconds), device])
            .ConfigureAwait(false))!;
        var outcome = (int)result[0] switch
        {
            < 0 => InsertOutcome.DeviceGone,
            0 => InsertOutcome.Duplicate,
            _ => InsertOutcome.Stored,
        };
        return (outcome, result.Length > 1 ? (string?)result[1] ?? string.Empty : string.Empty);
    }

    /// <summary>Up to <paramref name="count"/> unexpired envelopes after sequence <paramref name="after"/>, oldest first.</summary>
    public async Task<IReadOnlyList<MailboxEntry>> ReadAsync(string account, int device, long after, int count)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(
            MailboxScripts.Read,
            [Queue(account, device), Times(account, device), Envelopes(account, device)],
            [CutoffMs, after, count]).ConfigureAwait(false))!;
        var entries = new List<MailboxEntry>(result.Length / 2);
        for (var i = 0; i + 1 < result.Length; i += 2)
        {
            var sequence = long.Parse((string)result[i]!, NumberStyles.Integer, CultureInfo.InvariantCulture);
            var envelope = JsonSerializer.Deserialize((byte[])result[i + 1]!, DeliveryJsonContext.Default.Envelope)!;
            entries.Add(new MailboxEntry(sequence, envelope));
        }

        return entries;
    }

    /// <summary>Deletes envelope <paramref name="id"/> from the device's own mailbox; false when it is not there.</summary>
    public async Task<bool> AckAsync(string account, int device, string id) =>
        (int)await Db.ScriptEvaluateAsync(MailboxScripts.Ack, [Queue(account, device), Envelopes(account, device)], [id]).ConfigureAwait(false) == 1;

    /// <summary>How many envelopes each of <paramref name="devices"/> holds (expired ones not yet dropped included).</summary>
    public async Task<IReadOnlyDictionary<int, long>> CountAsync(string account, IEnumerable<int> devices)
    {
        var batch = Db.CreateBatch();
        var counts = devices.Distinct().Select(d => (Device: d, Count: batch.SortedSetLengthAsync(Queue(account, d)))).ToList();
        batch.Execute();
        await Task.WhenAll(counts.Select(c => c.Count)).ConfigureAwait(false);
        return counts.ToDictionary(c => c.Device, c => c.Count.Result);
    }
}
