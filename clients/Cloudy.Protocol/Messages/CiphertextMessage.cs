namespace Cloudy.Protocol.Messages;

/// <summary>libsignal's ciphertext message types (the envelope carries this next to the bytes).</summary>
public enum CiphertextMessageType
{
    /// <summary>A <see cref="SignalMessage"/>.</summary>
    Whisper = 2,

    /// <summary>A <see cref="PreKeySignalMessage"/>.</summary>
    PreKey = 3,

    /// <summary>A sender-key (group) message.</summary>
    SenderKey = 7,

    /// <summary>Plaintext content (libsignal's <c>PlaintextContent</c>, e.g. a decryption-error message).</summary>
    Plaintext = 8,
}

/// <summary>An encrypted message ready to send: its type and its wire bytes.</summary>
public sealed record CiphertextMessage(CiphertextMessageType Type, byte[] Body);
