namespace Cloudy.Protocol;

/// <summary>Base class of every error the protocol library raises on bad input or state.</summary>
public abstract class ProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected ProtocolException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>A message is malformed, truncated, tampered with, or fails authentication.</summary>
public sealed class InvalidMessageException(string message, Exception? inner = null) : ProtocolException(message, inner);

/// <summary>A key (public, private, signature, KEM) is malformed or fails validation.</summary>
public sealed class InvalidKeyException(string message, Exception? inner = null) : ProtocolException(message, inner);

/// <summary>A referenced prekey / signed prekey / PQ prekey id is not in the store.</summary>
public sealed class InvalidKeyIdException(string message) : ProtocolException(message);

/// <summary>The message's key was already used: a replay or a duplicate delivery.</summary>
public sealed class DuplicateMessageException(string message) : ProtocolException(message);

/// <summary>The remote identity key is not the one we trust for that address.</summary>
public sealed class UntrustedIdentityException(ProtocolAddress address) : ProtocolException($"untrusted identity for {address}")
{
    /// <summary>The address whose identity changed.</summary>
    public ProtocolAddress Address { get; } = address;
}

/// <summary>There is no session with the remote address.</summary>
public sealed class NoSessionException(string message) : ProtocolException(message);

/// <summary>A message uses a protocol version we do not speak (e.g. legacy v3 / X3DH without Kyber).</summary>
public sealed class InvalidVersionException(string message) : ProtocolException(message);

/// <summary>A stored record (session, prekey) could not be decoded.</summary>
public sealed class InvalidRecordException(string message, Exception? inner = null) : ProtocolException(message, inner);
