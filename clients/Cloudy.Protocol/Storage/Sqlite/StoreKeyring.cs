using System.Buffers.Binary;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace Cloudy.Protocol.Storage.Sqlite;

/// <summary>
/// The store's key hierarchy. A random 256-bit data key (from the OS CSPRNG) is wrapped with
/// AES-256-GCM under a key-encryption key derived from the passphrase by Argon2id; the data key
/// then yields, via HKDF, the record-encryption key and the key that hashes record ids (so the
/// file does not list who we talk to). Wrapping, rather than encrypting records with the
/// Argon2id output directly, lets the passphrase change without rewriting every record.
/// </summary>
internal sealed class StoreKeyring : IDisposable
{
    internal const int SaltLength = 16;
    internal const int KeyLength = 32;

    private static readonly byte[] s_recordInfo = "cloudy-sqlite-store/v1/record-key"u8.ToArray();
    private static readonly byte[] s_indexInfo = "cloudy-sqlite-store/v1/index-key"u8.ToArray();

    private readonly byte[] _indexKey;

    private StoreKeyring(ReadOnlySpan<byte> dataKey)
    {
        Span<byte> recordKey = stackalloc byte[KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey, recordKey, salt: [], s_recordInfo);
        Records = new RecordCipher(recordKey);
        CryptographicOperations.ZeroMemory(recordKey);

        _indexKey = new byte[KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, dataKey, _indexKey, salt: [], s_indexInfo);
    }

    /// <summary>Encrypts and decrypts records.</summary>
    public RecordCipher Records { get; }

    /// <summary>Creates a new data key and wraps it under the passphrase.</summary>
    public static StoreKeyring Create(ReadOnlySpan<char> passphrase, SqliteStoreOptions options, out KeyEnvelope envelope)
    {
        Span<byte> dataKey = stackalloc byte[KeyLength];
        RandomNumberGenerator.Fill(dataKey);
        try
        {
            envelope = Wrap(passphrase, options, dataKey);
            return new StoreKeyring(dataKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Unwraps the data key with the passphrase.</summary>
    /// <exception cref="WrongPassphraseException">The passphrase (or the envelope) is wrong.</exception>
    public static StoreKeyring Unlock(ReadOnlySpan<char> passphrase, KeyEnvelope envelope)
    {
        var dataKey = UnwrapDataKey(passphrase, envelope);
        try
        {
            return new StoreKeyring(dataKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Re-wraps the data key of <paramref name="envelope"/> under a new passphrase and salt.</summary>
    public static KeyEnvelope Rewrap(ReadOnlySpan<char> current, KeyEnvelope envelope, ReadOnlySpan<char> next, SqliteStoreOptions options)
    {
        var dataKey = UnwrapDataKey(current, envelope);
        try
        {
            return Wrap(next, options, dataKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Keyed hash of a record id, so ids such as contact addresses are not stored in clear.</summary>
    public byte[] HashId(ReadOnlySpan<byte> id) => HMACSHA256.HashData(_indexKey, id);

    /// <inheritdoc />
    public void Dispose()
    {
        Records.Dispose();
        CryptographicOperations.ZeroMemory(_indexKey);
    }

    private static KeyEnvelope Wrap(ReadOnlySpan<char> passphrase, SqliteStoreOptions options, ReadOnlySpan<byte> dataKey)
    {
        options.Validate();
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var kek = DeriveKek(passphrase, options, salt);
        try
        {
            using var cipher = new RecordCipher(kek);
            var header = new KeyEnvelope(options.MemoryKiB, options.Passes, salt, []);
            return header with { WrappedDataKey = cipher.Seal(dataKey, header.AssociatedData()) };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static byte[] UnwrapDataKey(ReadOnlySpan<char> passphrase, KeyEnvelope envelope)
    {
        var kek = DeriveKek(passphrase, envelope.Options, envelope.Salt);
        try
        {
            using var cipher = new RecordCipher(kek);
            if (!cipher.TryOpen(envelope.WrappedDataKey, envelope.AssociatedData(), out var dataKey) || dataKey.Length != KeyLength)
            {
                throw new WrongPassphraseException();
            }

            return dataKey;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static byte[] DeriveKek(ReadOnlySpan<char> passphrase, SqliteStoreOptions options, ReadOnlySpan<byte> salt)
    {
        if (passphrase.IsEmpty)
        {
            throw new ArgumentException("A passphrase is required.", nameof(passphrase));
        }

        options.Validate();
        var parameters = new Argon2Parameters
        {
            DegreeOfParallelism = 1, // libsodium's Argon2id is single-lane
            MemorySize = options.MemoryKiB,
            NumberOfPasses = options.Passes,
        };
        var utf8 = new byte[System.Text.Encoding.UTF8.GetByteCount(passphrase)];
        try
        {
            System.Text.Encoding.UTF8.GetBytes(passphrase, utf8);
            return PasswordBasedKeyDerivationAlgorithm.Argon2id(parameters).DeriveBytes(utf8, salt, KeyLength);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }
}

/// <summary>What the file stores about its key: Argon2id cost, salt and the wrapped data key.</summary>
internal sealed record KeyEnvelope(long MemoryKiB, long Passes, byte[] Salt, byte[] WrappedDataKey)
{
    public SqliteStoreOptions Options => new(MemoryKiB, Passes);

    /// <summary>Binds the wrapped key to its KDF parameters and salt.</summary>
    public byte[] AssociatedData()
    {
        var label = "cloudy-sqlite-store/v1/wrapped-data-key"u8;
        var aad = new byte[label.Length + 16 + Salt.Length];
        label.CopyTo(aad);
        var rest = aad.AsSpan(label.Length);
        BinaryPrimitives.WriteInt64BigEndian(rest, MemoryKiB);
        BinaryPrimitives.WriteInt64BigEndian(rest[8..], Passes);
        Salt.CopyTo(rest[16..]);
        return aad;
    }
}
