using System.Buffers.Binary;
using Cloudy.Protocol.Groups;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.State;
using Cloudy.Protocol.Stores;
using Microsoft.Data.Sqlite;

namespace Cloudy.Protocol.Storage.Sqlite;

/// <summary>
/// A durable client store on SQLite, encrypted at rest: every record is AES-256-GCM sealed under a
/// data key that only the passphrase (through Argon2id) unlocks, and contact addresses are stored
/// as keyed hashes. A stolen profile reveals how many records exist and their sizes, nothing more.
/// Not protected: rolling a record back to an older ciphertext of the same row (no version counter).
/// </summary>
public sealed class SqliteProtocolStore : IProtocolStore, IDisposable
{
    private const string LocalKind = "local";
    private const string IdentityKind = "identity";
    private const string PreKeyKind = "prekey";
    private const string SignedPreKeyKind = "signed-prekey";
    private const string KyberPreKeyKind = "kyber-prekey";
    private const string SessionKind = "session";
    private const string SenderKeyKind = "sender-key";
    private const byte LastResortFlag = 1;

    private static readonly byte[] s_identityKeyPairId = "identity-key-pair"u8.ToArray();
    private static readonly byte[] s_registrationId = "registration-id"u8.ToArray();

    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly StoreKeyring _keyring;
    private readonly EncryptedRecordTable _records;
    private readonly IdentityKeyPair _identity;
    private readonly uint _registrationId;
    private bool _disposed;

    private SqliteProtocolStore(SqliteConnection connection, StoreKeyring keyring)
    {
        _connection = connection;
        _keyring = keyring;
        _records = new EncryptedRecordTable(connection, keyring.Records);

        // Decrypting our own identity at open both caches it and proves the data key is right.
        var pair = _records.Get(LocalKind, s_identityKeyPairId) ?? throw new StoreFormatException("The store has no identity.");
        _identity = IdentityKeyPair.Deserialize(pair);
        var registration = _records.Get(LocalKind, s_registrationId) ?? throw new StoreFormatException("The store has no registration id.");
        _registrationId = registration.Length == sizeof(uint)
            ? BinaryPrimitives.ReadUInt32BigEndian(registration)
            : throw new StoreFormatException("Malformed registration id.");
    }

    /// <summary>Creates a new store file holding our identity.</summary>
    /// <exception cref="StoreFormatException">The file already holds a store.</exception>
    public static SqliteProtocolStore Create(
        string path,
        ReadOnlySpan<char> passphrase,
        IdentityKeyPair identity,
        uint registrationId,
        SqliteStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        var cost = options ?? new SqliteStoreOptions();
        var secret = passphrase.ToArray(); // lambdas cannot capture spans; wiped below
        try
        {
            return Build(path, create: true, connection =>
            {
                if (StoreMetadata.IsInitialized(connection))
                {
                    throw new StoreFormatException("The file already holds a Cloudy store.");
                }

                var keyring = StoreKeyring.Create(secret, cost, out var envelope);
                try
                {
                    var records = new EncryptedRecordTable(connection, keyring.Records);
                    var registration = new byte[sizeof(uint)];
                    BinaryPrimitives.WriteUInt32BigEndian(registration, registrationId);
                    using var transaction = connection.BeginTransaction();
                    StoreMetadata.Write(connection, envelope, transaction);
                    records.Put(LocalKind, s_identityKeyPairId, identity.Serialize(), transaction);
                    records.Put(LocalKind, s_registrationId, registration, transaction);
                    transaction.Commit();
                    return keyring;
                }
                catch
                {
                    keyring.Dispose();
                    throw;
                }
            });
        }
        finally
        {
            Array.Clear(secret);
        }
    }

    /// <summary>Opens an existing store.</summary>
    /// <exception cref="WrongPassphraseException">The passphrase does not unlock it.</exception>
    /// <exception cref="StoreFormatException">The file is not a Cloudy store.</exception>
    /// <exception cref="TamperedRecordException">Our identity record was altered.</exception>
    public static SqliteProtocolStore Open(string path, ReadOnlySpan<char> passphrase)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("No store at this path.", path);
        }

        var secret = passphrase.ToArray(); // lambdas cannot capture spans; wiped below
        try
        {
            return Build(path, create: false, connection => StoreKeyring.Unlock(secret, StoreMetadata.ReadEnvelope(connection)));
        }
        finally
        {
            Array.Clear(secret);
        }
    }

    /// <summary>Re-wraps the data key under a new passphrase (records are not rewritten).</summary>
    /// <exception cref="WrongPassphraseException"><paramref name="current"/> is wrong.</exception>
    public void ChangePassphrase(ReadOnlySpan<char> current, ReadOnlySpan<char> next, SqliteStoreOptions? options = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var envelope = StoreKeyring.Rewrap(current, StoreMetadata.ReadEnvelope(_connection), next, options ?? new SqliteStoreOptions());
            using var transaction = _connection.BeginTransaction();
            StoreMetadata.Write(_connection, envelope, transaction);
            transaction.Commit();
        }
    }

    /// <inheritdoc />
    public Task<IdentityKeyPair> GetIdentityKeyPairAsync(CancellationToken cancellationToken = default) => Task.FromResult(_identity);

    /// <inheritdoc />
    public Task<uint> GetLocalRegistrationIdAsync(CancellationToken cancellationToken = default) => Task.FromResult(_registrationId);

    /// <inheritdoc />
    public Task<bool> SaveIdentityAsync(ProtocolAddress address, IdentityKey identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return Locked(() =>
        {
            var id = AddressId(address);
            var known = _records.Get(IdentityKind, id);
            _records.Put(IdentityKind, id, identity.Serialize());
            return known is not null && !IdentityKey.Deserialize(known).Equals(identity);
        });
    }

    /// <inheritdoc />
    public Task<bool> IsTrustedIdentityAsync(ProtocolAddress address, IdentityKey identity, Direction direction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);

        // Trust on first use, as libsignal's in-memory store: unknown or unchanged is trusted.
        return Locked(() => _records.Get(IdentityKind, AddressId(address)) is not { } known || IdentityKey.Deserialize(known).Equals(identity));
    }

    /// <inheritdoc />
    public Task<IdentityKey?> GetIdentityAsync(ProtocolAddress address, CancellationToken cancellationToken = default) =>
        Locked(() => _records.Get(IdentityKind, AddressId(address)) is { } known ? IdentityKey.Deserialize(known) : null);

    /// <inheritdoc />
    public Task<PreKeyRecord?> LoadPreKeyAsync(uint id, CancellationToken cancellationToken = default) =>
        Locked(() => _records.Get(PreKeyKind, NumericId(id)) is { } r ? PreKeyRecord.Deserialize(r) : null);

    /// <inheritdoc />
    public Task StorePreKeyAsync(uint id, PreKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Locked(() => _records.Put(PreKeyKind, NumericId(id), record.Serialize()));
    }

    /// <inheritdoc />
    public Task RemovePreKeyAsync(uint id, CancellationToken cancellationToken = default) =>
        Locked(() => _records.Delete(PreKeyKind, NumericId(id)));

    /// <inheritdoc />
    public Task<SignedPreKeyRecord?> LoadSignedPreKeyAsync(uint id, CancellationToken cancellationToken = default) =>
        Locked(() => _records.Get(SignedPreKeyKind, NumericId(id)) is { } r ? SignedPreKeyRecord.Deserialize(r) : null);

    /// <inheritdoc />
    public Task StoreSignedPreKeyAsync(uint id, SignedPreKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Locked(() => _records.Put(SignedPreKeyKind, NumericId(id), record.Serialize()));
    }

    /// <inheritdoc />
    public Task<KyberPreKeyRecord?> LoadKyberPreKeyAsync(uint id, CancellationToken cancellationToken = default) =>
        Locked(() => _records.Get(KyberPreKeyKind, NumericId(id)) is { Length: > 0 } r ? KyberPreKeyRecord.Deserialize(r.AsMemory(1)) : null);

    /// <inheritdoc />
    public Task StoreKyberPreKeyAsync(uint id, KyberPreKeyRecord record, bool lastResort = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);

        // The last-resort flag lives inside the sealed value, so it cannot be flipped unnoticed.
        return Locked(() => _records.Put(KyberPreKeyKind, NumericId(id), [lastResort ? LastResortFlag : (byte)0, .. record.Serialize()]));
    }

    /// <inheritdoc />
    public Task MarkKyberPreKeyUsedAsync(uint id, CancellationToken cancellationToken = default) => Locked(() =>
    {
        var key = NumericId(id);
        if (_records.Get(KyberPreKeyKind, key) is { Length: > 0 } r && r[0] != LastResortFlag)
        {
            _records.Delete(KyberPreKeyKind, key);
        }
    });

    /// <inheritdoc />
    public Task<SessionRecord?> LoadSessionAsync(ProtocolAddress address, CancellationToken cancellationToken = default) =>
        Locked(() => _records.Get(SessionKind, AddressId(address)) is { } r ? SessionRecord.Deserialize(r) : null);

    /// <inheritdoc />
    public Task StoreSessionAsync(ProtocolAddress address, SessionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Locked(() => _records.Put(SessionKind, AddressId(address), record.Serialize()));
    }

    /// <inheritdoc />
    public Task<SenderKeyRecord?> LoadSenderKeyAsync(ProtocolAddress sender, Guid distributionId, CancellationToken cancellationToken = default) =>
        Locked(() => _records.Get(SenderKeyKind, SenderKeyId(sender, distributionId)) is { } r ? SenderKeyRecord.Deserialize(r) : null);

    /// <inheritdoc />
    public Task StoreSenderKeyAsync(ProtocolAddress sender, Guid distributionId, SenderKeyRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Locked(() => _records.Put(SenderKeyKind, SenderKeyId(sender, distributionId), record.Serialize()));
    }

    /// <summary>Closes the file and zeroes the keys.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _keyring.Dispose();
            _connection.Dispose();
        }
    }

    /// <summary>Opens the file; only <paramref name="create"/> may create it or add our tables.</summary>
    private static SqliteConnection Connect(string path, bool create)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false, // the file handle must close with the store
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();

        // secure_delete overwrites freed pages, so replaced ciphertexts do not linger.
        command.CommandText = "PRAGMA secure_delete = ON; " + (create ? StoreMetadata.Schema + EncryptedRecordTable.Schema : "");
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Opens the file and builds a store; on any failure releases everything it opened.</summary>
    private static SqliteProtocolStore Build(string path, bool create, Func<SqliteConnection, StoreKeyring> unlock)
    {
        SqliteConnection? connection = null;
        StoreKeyring? keyring = null;
        try
        {
            connection = Connect(path, create);
            keyring = unlock(connection);
            return new SqliteProtocolStore(connection, keyring);
        }
        catch (Exception e)
        {
            keyring?.Dispose();
            connection?.Dispose();
            if (e is SqliteException { SqliteErrorCode: 26 /* SQLITE_NOTADB */ or 11 /* SQLITE_CORRUPT */ })
            {
                throw new StoreFormatException("The file is not a valid SQLite database.", e);
            }

            throw;
        }
    }

    private static byte[] NumericId(uint id)
    {
        var bytes = new byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, id);
        return bytes;
    }

    private byte[] AddressId(ProtocolAddress address) => _keyring.HashId(AddressBytes(address, suffixLength: 0));

    /// <summary>The address then the distribution id's 16 bytes, hashed: neither group nor sender is visible in the file.</summary>
    private byte[] SenderKeyId(ProtocolAddress sender, Guid distributionId)
    {
        var id = AddressBytes(sender, suffixLength: 16);
        distributionId.TryWriteBytes(id.AsSpan(id.Length - 16), bigEndian: true, out _);
        return _keyring.HashId(id);
    }

    /// <summary>Length-prefixed name, then device id (unambiguous for any name), then <paramref name="suffixLength"/> free bytes.</summary>
    private static byte[] AddressBytes(ProtocolAddress address, int suffixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        var name = System.Text.Encoding.UTF8.GetBytes(address.Name);
        var id = new byte[sizeof(uint) + name.Length + sizeof(uint) + suffixLength];
        BinaryPrimitives.WriteUInt32BigEndian(id, (uint)name.Length);
        name.CopyTo(id, sizeof(uint));
        BinaryPrimitives.WriteUInt32BigEndian(id.AsSpan(sizeof(uint) + name.Length), address.DeviceId);
        return id;
    }

    private Task<T> Locked<T>(Func<T> operation)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Task.FromResult(operation());
        }
    }

    private Task Locked(Action operation)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            operation();
            return Task.CompletedTask;
        }
    }
}
