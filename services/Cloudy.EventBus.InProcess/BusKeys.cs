namespace Cloudy.EventBus.InProcess;

/// <summary>
/// Store keys of the in-process bus, all under the <c>bus:</c> prefix. The topic is the hash tag, so the
/// keys touched together (every group's queue on publish; queue, processing list and dead letters of a
/// group) share one slot and a MULTI over them also works on a Redis Cluster.
/// </summary>
public static class BusKeys
{
    /// <summary>The prefix owned by the bus.</summary>
    public const string Prefix = "bus:";

    /// <summary>Pending events of <paramref name="group"/> (LPUSH on publish, taken from the right: FIFO).</summary>
    public static string Ready(string topic, string group) => $"{Prefix}{{{topic}}}:{group}:ready";

    /// <summary>Events taken by the worker and not yet completed; moved back to ready on start.</summary>
    public static string Processing(string topic, string group) => $"{Prefix}{{{topic}}}:{group}:processing";

    /// <summary>Hash of item id to delivery count, bounding crash loops.</summary>
    public static string Deliveries(string topic, string group) => $"{Prefix}{{{topic}}}:{group}:deliveries";

    /// <summary>Dead-lettered events of <paramref name="group"/> (newest first).</summary>
    public static string DeadLetter(string topic, string group) => $"{Prefix}dlq:{{{topic}}}:{group}";
}
