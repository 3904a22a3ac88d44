namespace Cloudy.Protocol.Fingerprints;

/// <summary>A safety number in both forms: the digits to read and the encoding to scan.</summary>
/// <param name="Displayable">The 60 digits.</param>
/// <param name="Scannable">The QR-code form.</param>
public sealed record Fingerprint(DisplayableFingerprint Displayable, ScannableFingerprint Scannable);
