using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.Keys;

/// <summary>The device's identity key pair. Serializes as libsignal's <c>IdentityKeyPairStructure</c>.</summary>
public sealed class IdentityKeyPair
{
    /// <summary>Pairs a public identity key with its private key.</summary>
    public IdentityKeyPair(IdentityKey identityKey, ECPrivateKey privateKey)
    {
        IdentityKey = identityKey;
        PrivateKey = privateKey;
    }

    /// <summary>The public half.</summary>
    public IdentityKey IdentityKey { get; }

    /// <summary>The private half.</summary>
    public ECPrivateKey PrivateKey { get; }

    /// <summary>The public key.</summary>
    public ECPublicKey PublicKey => IdentityKey.PublicKey;

    /// <summary>Fresh identity from the OS CSPRNG.</summary>
    public static IdentityKeyPair Generate()
    {
        var pair = ECKeyPair.Generate();
        return new IdentityKeyPair(new IdentityKey(pair.PublicKey), pair.PrivateKey);
    }

    /// <summary>protobuf { 1: public key (33 bytes), 2: private key (32 bytes) }.</summary>
    public byte[] Serialize() => new ProtoWriter()
        .WriteBytes(1, IdentityKey.Serialize())
        .WriteBytes(2, PrivateKey.Serialize())
        .ToArray();

    /// <summary>Parses <see cref="Serialize"/>'s output; checks the halves belong together.</summary>
    public static IdentityKeyPair Deserialize(ReadOnlyMemory<byte> serialized)
    {
        try
        {
            var fields = ProtoReader.Read(serialized);
            var pub = IdentityKey.Deserialize((ProtoReader.Bytes(fields, 1) ?? throw new FormatException("missing public key")).Span);
            var priv = ECPrivateKey.Deserialize((ProtoReader.Bytes(fields, 2) ?? throw new FormatException("missing private key")).Span);
            if (!priv.PublicKey.Equals(pub.PublicKey))
            {
                throw new InvalidKeyException("identity private key does not match its public key");
            }
            return new IdentityKeyPair(pub, priv);
        }
        catch (FormatException e)
        {
            throw new InvalidKeyException("malformed identity key pair", e);
        }
    }

    /// <summary>XEdDSA signature with the identity key.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message) => PrivateKey.CalculateSignature(message);
}
