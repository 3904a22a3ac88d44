using System.Buffers.Text;
using NSec.Cryptography;

namespace Cloudy.Identity.Tests;

/// <summary>A client device: an Ed25519 key pair made the way a real client makes it (NSec, OS CSPRNG).</summary>
public sealed class TestDevice : IDisposable
{
    private readonly Key _key = Key.Create(SignatureAlgorithm.Ed25519);

    /// <summary>The public key as sent in JSON.</summary>
    public string PublicKey => Base64Url.EncodeToString(_key.PublicKey.Export(KeyBlobFormat.RawPublicKey));

    /// <summary>Signs <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
