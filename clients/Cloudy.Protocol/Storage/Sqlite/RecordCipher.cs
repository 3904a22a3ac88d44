using System.Security.Cryptography;

namespace Cloudy.Protocol.Storage.Sqlite;

/// <summary>
/// AES-256-GCM sealing of one stored value: <c>0x01 || nonce(12) || ciphertext || tag(16)</c>, with a
/// fresh random nonce per write. The caller's associated data names the value's place (table and
/// id), so a ciphertext copied to another row fails to open.
/// </summary>
internal sealed class RecordCipher : IDisposable
{
    internal const byte FormatVersion = 1;
    internal const int NonceLength = 12;
    internal const int TagLength = 16;
    internal const int Overhead = 1 + NonceLength + TagLength;

    private readonly AesGcm _aes;

    /// <summary>Creates a cipher; the key is copied by the runtime, the caller may zero its copy.</summary>
    public RecordCipher(ReadOnlySpan<byte> key) => _aes = new AesGcm(key, TagLength);

    /// <summary>Encrypts <paramref name="plaintext"/> bound to <paramref name="associatedData"/>.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var sealedValue = new byte[Overhead + plaintext.Length];
        sealedValue[0] = FormatVersion;
        var nonce = sealedValue.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        _aes.Encrypt(
            nonce,
            plaintext,
            sealedValue.AsSpan(1 + NonceLength, plaintext.Length),
            sealedValue.AsSpan(1 + NonceLength + plaintext.Length, TagLength),
            associatedData);
        return sealedValue;
    }

    /// <summary>Decrypts a value sealed by <see cref="Seal"/>; false when it fails authentication.</summary>
    public bool TryOpen(ReadOnlySpan<byte> sealedValue, ReadOnlySpan<byte> associatedData, out byte[] plaintext)
    {
        plaintext = [];
        if (sealedValue.Length < Overhead || sealedValue[0] != FormatVersion)
        {
            return false;
        }

        var length = sealedValue.Length - Overhead;
        var output = new byte[length];
        try
        {
            _aes.Decrypt(
                sealedValue.Slice(1, NonceLength),
                sealedValue.Slice(1 + NonceLength, length),
                sealedValue.Slice(1 + NonceLength + length, TagLength),
                output,
                associatedData);
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }

        plaintext = output;
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _aes.Dispose();
}
