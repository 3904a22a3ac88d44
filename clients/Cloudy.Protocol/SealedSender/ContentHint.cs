namespace Cloudy.Protocol.SealedSender;

/// <summary>
/// What a recipient should do if it cannot decrypt the message (field 4 of the sealed content).
/// Values outside the named ones are kept as they are, like libsignal's <c>Unknown(u32)</c>.
/// </summary>
public enum ContentHint : uint
{
    /// <summary>The sender will not resend: show an error at once. Not written on the wire.</summary>
    Default = 0,

    /// <summary>The sender will try to resend: delay any error.</summary>
    Resendable = 1,

    /// <summary>Implicit content (typing, receipts): show no error at all.</summary>
    Implicit = 2,
}
