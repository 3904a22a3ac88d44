using Microsoft.Data.Sqlite;

namespace Cloudy.Protocol.Storage.Sqlite;

/// <summary>
/// The one table of sealed records, <c>(kind, id) → value</c>. Every value is AES-256-GCM sealed with
/// AAD = <c>"cloudy-sqlite-store/v1" 0x00 kind 0x00 id</c>, so a value moved to another kind or id,
/// or altered in any bit, fails with <see cref="TamperedRecordException"/>.
/// </summary>
internal sealed class EncryptedRecordTable(SqliteConnection connection, RecordCipher cipher)
{
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS cloudy_records (
            kind  TEXT NOT NULL,
            id    BLOB NOT NULL,
            value BLOB NOT NULL,
            PRIMARY KEY (kind, id)
        ) WITHOUT ROWID;
        """;

    public byte[]? Get(string kind, byte[] id)
    {
        using var command = Command("SELECT value FROM cloudy_records WHERE kind = $kind AND id = $id", kind, id);
        var value = command.ExecuteScalar();
        if (value is null or DBNull)
        {
            return null;
        }

        // A value rewritten as another SQLite type is tampering too, not "no record".
        return value is byte[] sealedValue && cipher.TryOpen(sealedValue, AssociatedData(kind, id), out var plaintext)
            ? plaintext
            : throw new TamperedRecordException(kind);
    }

    public void Put(string kind, byte[] id, ReadOnlySpan<byte> plaintext, SqliteTransaction? transaction = null)
    {
        using var command = Command(
            "INSERT INTO cloudy_records (kind, id, value) VALUES ($kind, $id, $value) ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value",
            kind,
            id);
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$value", cipher.Seal(plaintext, AssociatedData(kind, id)));
        command.ExecuteNonQuery();
    }

    public void Delete(string kind, byte[] id)
    {
        using var command = Command("DELETE FROM cloudy_records WHERE kind = $kind AND id = $id", kind, id);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, string kind, byte[] id)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$kind", kind);
        command.Parameters.AddWithValue("$id", id);
        return command;
    }

    private static byte[] AssociatedData(string kind, byte[] id)
    {
        var prefix = "cloudy-sqlite-store/v1"u8;
        var aad = new byte[prefix.Length + 1 + kind.Length + 1 + id.Length];
        prefix.CopyTo(aad);
        var offset = prefix.Length + 1;
        offset += System.Text.Encoding.ASCII.GetBytes(kind, aad.AsSpan(offset));
        id.CopyTo(aad.AsSpan(offset + 1));
        return aad;
    }
}
