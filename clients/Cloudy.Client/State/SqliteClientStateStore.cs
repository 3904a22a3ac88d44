using System.Security.Cryptography;
using System.Text;
using Cloudy.Protocol.Keys;
using Microsoft.Data.Sqlite;

namespace Cloudy.Client.State;

/// <summary>
/// Client records in their own table of the profile's SQLite file (the file of the encrypted protocol
/// store). Keys come from the identity private key, which only the passphrase unlocks: HKDF gives an
/// AES-256-GCM key for values and an HMAC key that turns record names into opaque ids, so the file
/// shows neither contact names nor account ids. Each value's AAD is its id, so values cannot be swapped.
/// </summary>
public sealed class SqliteClientStateStore : IClientStateStore, IDisposable
{
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private static readonly byte[] s_valueInfo = "cloudy-client-state/v1/value-key"u8.ToArray();
    private static readonly byte[] s_indexInfo = "cloudy-client-state/v1/index-key"u8.ToArray();

    private readonly SqliteConnection _connection;
    private readonly AesGcm _aes;
    private readonly byte[] _indexKey = new byte[32];
    private readonly Lock _gate = new();

    private SqliteClientStateStore(SqliteConnection connection, ReadOnlySpan<byte> secret)
    {
        _connection = connection;
        Span<byte> valueKey = stackalloc byte[32];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, valueKey, salt: [], s_valueInfo);
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, _indexKey, salt: [], s_indexInfo);
        _aes = new AesGcm(valueKey, TagLength);
        CryptographicOperations.ZeroMemory(valueKey);
    }

    /// <summary>Opens (creating the table if needed) the state in the SQLite file at <paramref name="path"/>.</summary>
    public static SqliteClientStateStore Open(string path, IdentityKeyPair identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                PRAGMA secure_delete = ON;
                CREATE TABLE IF NOT EXISTS cloudy_client_state (id BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
                """;
            command.ExecuteNonQuery();
        }

        var secret = identity.PrivateKey.Serialize();
        try
        {
            return new SqliteClientStateStore(connection, secret);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        var id = Id(key);
        lock (_gate)
        {
            using var command = Command("SELECT value FROM cloudy_client_state WHERE id = $id", id);
            if (command.ExecuteScalar() is not byte[] sealedValue)
            {
                return null;
            }

            if (sealedValue.Length < NonceLength + TagLength)
            {
                throw new CryptographicException("A client state record is malformed.");
            }

            var plaintext = new byte[sealedValue.Length - NonceLength - TagLength];
            _aes.Decrypt(sealedValue.AsSpan(0, NonceLength), sealedValue.AsSpan(NonceLength, plaintext.Length),
                sealedValue.AsSpan(NonceLength + plaintext.Length), plaintext, id);
            return plaintext;
        }
    }

    /// <inheritdoc />
    public void Put(string key, ReadOnlySpan<byte> value)
    {
        var id = Id(key);
        var sealedValue = new byte[NonceLength + value.Length + TagLength];
        RandomNumberGenerator.Fill(sealedValue.AsSpan(0, NonceLength));
        lock (_gate)
        {
            _aes.Encrypt(sealedValue.AsSpan(0, NonceLength), value, sealedValue.AsSpan(NonceLength, value.Length),
                sealedValue.AsSpan(NonceLength + value.Length), id);
            using var command = Command(
                "INSERT INTO cloudy_client_state (id, value) VALUES ($id, $value) ON CONFLICT (id) DO UPDATE SET value = excluded.value", id);
            command.Parameters.AddWithValue("$value", sealedValue);
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public void Delete(string key)
    {
        lock (_gate)
        {
            using var command = Command("DELETE FROM cloudy_client_state WHERE id = $id", Id(key));
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            _aes.Dispose();
            CryptographicOperations.ZeroMemory(_indexKey);
            _connection.Dispose();
        }
    }

    private byte[] Id(string key) => HMACSHA256.HashData(_indexKey, Encoding.UTF8.GetBytes(key));

    private SqliteCommand Command(string sql, byte[] id)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        return command;
    }
}
