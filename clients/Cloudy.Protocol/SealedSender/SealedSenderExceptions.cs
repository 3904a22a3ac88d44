namespace Cloudy.Protocol.SealedSender;

/// <summary>Why a sender certificate is not acceptable.</summary>
public enum CertificateError
{
    /// <summary>The bytes are not a certificate (bad protobuf, a missing field, a bad key).</summary>
    Malformed,

    /// <summary>The server certificate's key id is on the revocation list.</summary>
    Revoked,

    /// <summary>The server certificate is not signed by the trust root.</summary>
    ServerCertificateNotTrusted,

    /// <summary>The sender certificate is not signed by the server certificate's key.</summary>
    BadSignature,

    /// <summary>The sender certificate expired before the validation time.</summary>
    Expired,
}

/// <summary>A server or sender certificate is malformed or fails validation.</summary>
public sealed class InvalidCertificateException(CertificateError error, string message, Exception? inner = null) : ProtocolException(message, inner)
{
    /// <summary>What is wrong with it.</summary>
    public CertificateError Error { get; } = error;
}

/// <summary>A sealed sender message is malformed, truncated, tampered with, or fails authentication.</summary>
public sealed class InvalidSealedSenderMessageException(string message, Exception? inner = null) : ProtocolException(message, inner);

/// <summary>A sealed sender message claims to come from this very device (libsignal's <c>SealedSenderSelfSend</c>).</summary>
public sealed class SealedSenderSelfSendException() : ProtocolException("sealed sender message from our own device");

/// <summary>A session's registration id does not fit the 14 bits sealed sender v2 can carry.</summary>
public sealed class InvalidRegistrationIdException(ProtocolAddress address, uint registrationId)
    : ProtocolException($"registration id {registrationId} of {address} does not fit 14 bits")
{
    /// <summary>The device whose session has the registration id.</summary>
    public ProtocolAddress Address { get; } = address;

    /// <summary>The registration id.</summary>
    public uint RegistrationId { get; } = registrationId;
}
