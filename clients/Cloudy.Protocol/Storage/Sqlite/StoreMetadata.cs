using Microsoft.Data.Sqlite;

namespace Cloudy.Protocol.Storage.Sqlite;

/// <summary>The clear-text metadata a store needs before it is unlocked: format and key envelope.</summary>
internal static class StoreMetadata
{
    internal const string Format = "cloudy-sqlite-store/1";

    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS cloudy_meta (
            name  TEXT PRIMARY KEY NOT NULL,
            value BLOB NOT NULL
        ) WITHOUT ROWID;
        """;

    public static bool IsInitialized(SqliteConnection connection) => HasTables(connection) && Read(connection, "format") is not null;

    public static KeyEnvelope ReadEnvelope(SqliteConnection connection)
    {
        if (!HasTables(connection))
        {
            throw new StoreFormatException("The file is not a Cloudy store.");
        }

        var format = Read(connection, "format") as string
            ?? throw new StoreFormatException("The file is not an initialized Cloudy store.");
        if (format != Format)
        {
            throw new StoreFormatException($"Unsupported store format '{format}'.");
        }

        try
        {
            return new KeyEnvelope(
                (long)Read(connection, "kdf_memory_kib")!,
                (long)Read(connection, "kdf_passes")!,
                (byte[])Read(connection, "kdf_salt")!,
                (byte[])Read(connection, "wrapped_data_key")!);
        }
        catch (Exception e) when (e is InvalidCastException or NullReferenceException)
        {
            throw new StoreFormatException("The store's key metadata is missing or malformed.", e);
        }
    }

    public static void Write(SqliteConnection connection, KeyEnvelope envelope, SqliteTransaction transaction)
    {
        Upsert(connection, transaction, "format", Format);
        Upsert(connection, transaction, "kdf_memory_kib", envelope.MemoryKiB);
        Upsert(connection, transaction, "kdf_passes", envelope.Passes);
        Upsert(connection, transaction, "kdf_salt", envelope.Salt);
        Upsert(connection, transaction, "wrapped_data_key", envelope.WrappedDataKey);
    }

    private static bool HasTables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('cloudy_meta', 'cloudy_records')";
        return (long)command.ExecuteScalar()! == 2;
    }

    private static object? Read(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM cloudy_meta WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar();
    }

    private static void Upsert(SqliteConnection connection, SqliteTransaction transaction, string name, object value)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO cloudy_meta (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }
}
