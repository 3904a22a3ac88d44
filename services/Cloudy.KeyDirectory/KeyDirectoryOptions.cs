namespace Cloudy.KeyDirectory;

/// <summary>Key-directory rules (section <c>KeyDirectory</c>); defaults follow Signal's server.</summary>
public sealed record KeyDirectoryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "KeyDirectory";

    /// <summary>
    /// A device whose one-time EC or PQ prekeys fall below this many on a consuming fetch gets one
    /// <c>PreKeysLow</c> event (per kind, until an upload brings that kind back to the threshold).
    /// </summary>
    public int PreKeysLowThreshold { get; init; } = 10;

    /// <summary>Most one-time EC prekeys, and most PQ one-time prekeys, in one upload (Signal: 100).</summary>
    public int MaxPreKeysPerUpload { get; init; } = 100;

    /// <summary>Bundle fetches one requester account may make of one target account per <see cref="FetchWindow"/> (Signal: 6).</summary>
    public int FetchPermits { get; init; } = 6;

    /// <summary>The fixed window of <see cref="FetchPermits"/> (Signal: 10 minutes).</summary>
    public TimeSpan FetchWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Largest upload body. 100 PQ prekeys in base64 JSON are about 230 KB, so this sits above the
    /// edge's 256 KiB default; the edge needs a <c>/v1/keys</c> override to let a full upload through.
    /// </summary>
    public int MaxUploadBytes { get; init; } = 512 * 1024;
}
