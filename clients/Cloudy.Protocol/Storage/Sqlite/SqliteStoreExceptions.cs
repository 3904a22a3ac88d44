namespace Cloudy.Protocol.Storage.Sqlite;

/// <summary>Base type of the encrypted SQLite store's errors.</summary>
public abstract class SqliteStoreException : ProtocolException
{
    /// <summary>Creates the exception.</summary>
    protected SqliteStoreException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The passphrase does not unlock the store. (An altered key-wrapping record looks the same from
/// here: authenticated encryption cannot tell the two apart, and must not try.)
/// </summary>
public sealed class WrongPassphraseException : SqliteStoreException
{
    /// <summary>Creates the exception.</summary>
    public WrongPassphraseException(Exception? inner = null)
        : base("The passphrase does not unlock this store.", inner)
    {
    }
}

/// <summary>
/// A stored record failed authentication: its bytes were altered, or it was moved to another
/// table or id (the AAD binds each record to its place).
/// </summary>
public sealed class TamperedRecordException : SqliteStoreException
{
    /// <summary>Creates the exception.</summary>
    public TamperedRecordException(string kind, Exception? inner = null)
        : base($"A stored {kind} record failed authentication (altered or moved).", inner)
    {
        Kind = kind;
    }

    /// <summary>The record kind (table), e.g. <c>session</c>. Never the record id.</summary>
    public string Kind { get; }
}

/// <summary>The file is not a Cloudy store, has an unsupported format, or is already initialized.</summary>
public sealed class StoreFormatException : SqliteStoreException
{
    /// <summary>Creates the exception.</summary>
    public StoreFormatException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
