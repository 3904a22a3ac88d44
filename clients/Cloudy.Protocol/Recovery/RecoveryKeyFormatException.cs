namespace Cloudy.Protocol.Recovery;

/// <summary>Why a word list was rejected.</summary>
public enum RecoveryKeyError
{
    /// <summary>The number of words is not one BIP-39 allows (a recovery key has exactly 24).</summary>
    WordCount,

    /// <summary>A word is not in the BIP-39 English word list.</summary>
    UnknownWord,

    /// <summary>All words are known but the checksum does not match: a word was mistyped or swapped.</summary>
    Checksum,
}

/// <summary>
/// A recovery key word list could not be parsed. The message never contains the words themselves,
/// only their position, because the words are the secret.
/// </summary>
public sealed class RecoveryKeyFormatException : ProtocolException
{
    /// <summary>Creates the exception.</summary>
    public RecoveryKeyFormatException(RecoveryKeyError error, string message, int? wordPosition = null)
        : base(message)
    {
        Error = error;
        WordPosition = wordPosition;
    }

    /// <summary>What was wrong.</summary>
    public RecoveryKeyError Error { get; }

    /// <summary>1-based position of the unknown word, for <see cref="RecoveryKeyError.UnknownWord"/>.</summary>
    public int? WordPosition { get; }
}
