namespace Cloudy.Formats;

/// <summary>
/// A sealed-sender structure (e.g. a multi-recipient message) is malformed: truncated, an unknown
/// version or service id kind, an invalid device id, a recipient listed twice in a way libsignal
/// refuses, or a non-canonical varint. The only exception the parsers in this namespace raise on bad input.
/// </summary>
public sealed class SealedSenderFormatException(string message) : FormatException(message);
