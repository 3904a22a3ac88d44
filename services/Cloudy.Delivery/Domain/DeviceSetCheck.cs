namespace Cloudy.Delivery.Domain;

/// <summary>How a send's device list compares with the recipient's registered devices.</summary>
/// <param name="Missing">Registered devices the send does not address (409).</param>
/// <param name="Extra">Addressed devices that are not registered and were never removed (409).</param>
/// <param name="Stale">Addressed devices that were registered and have been removed since (410).</param>
public sealed record DeviceSetCheck(IReadOnlyList<int> Missing, IReadOnlyList<int> Extra, IReadOnlyList<int> Stale)
{
    /// <summary>True when the send addresses exactly the registered devices.</summary>
    public bool Matches => Missing.Count == 0 && Extra.Count == 0 && Stale.Count == 0;

    /// <summary>
    /// Compares <paramref name="addressed"/> with <paramref name="registered"/>. A send to one's own account
    /// must leave out the sending device (it already has the plaintext), as Signal's sync messages do.
    /// When anything is missing or unknown, removed devices are reported as extra too, so one 409 answer is
    /// enough to correct the list; a list that is wrong only by removed devices gets 410 with them.
    /// </summary>
    public static DeviceSetCheck Compare(
        IReadOnlyCollection<int> addressed, IReadOnlyCollection<int> registered, IReadOnlyCollection<int> removed, int? excludedSender)
    {
        var expected = registered.Where(d => d != excludedSender).ToHashSet();
        var missing = expected.Where(d => !addressed.Contains(d)).Order().ToList();
        var unknown = addressed.Where(d => !expected.Contains(d)).ToList();
        var stale = unknown.Where(d => removed.Contains(d) && d != excludedSender).Order().ToList();
        var extra = unknown.Except(stale).Order().ToList();
        return missing.Count > 0 || extra.Count > 0
            ? new DeviceSetCheck(missing, [.. extra.Concat(stale).Order()], [])
            : new DeviceSetCheck([], [], stale);
    }
}
