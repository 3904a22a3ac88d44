using Cloudy.Protocol.Keys;
using Cloudy.Protocol.SealedSender;

namespace Cloudy.Protocol.Tests.SealedSender;

/// <summary>Server and sender certificates: encoding, libsignal's published vector, and every way validation fails.</summary>
public sealed class CertificateTests
{
    // libsignal v0.72.1 rust/protocol/src/sealed_sender.rs, test_lossless_round_trip: a sender certificate
    // whose data carries an extra field 999 ("crashing right down"), signed under the trust root whose
    // private key is 32 zero bytes; it expires at 31337 ms and must validate at 31336 ms.
    private const string LibsignalCertificateData =
        "100119697a0000000000002221056c9d1f8deb82b9a898f9c277a1b74989ec009afb5c0acb5e8e69e3d5ca29d6322a690a2508011221053b03ca070e6f6b2f271d32f27321689cdf4e59b106c10b58fbe15063ed868a5a124024bc92954e52ad1a105b5bda85c9db410dcfeb42a671b45a523b3a46e9594a8bde0efc671d8e8e046b32c67f59b80a46ffdf24071850779bc21325107902af89322461616161616161612d373030302d313165622d623332612d333362386138613438376136ba3e136372617368696e6720726967687420646f776e";

    private const string LibsignalCertificateSignature =
        "a22d8f86f5d00794f319add821e342c6ffffb6b34f741e569f8b321ab0255f2d1757ecf648e53a3602cae8f09b3fc80dcf27534d67efd272b6739afc31f75c8c";

    private readonly SealedSenderWorld _world = new(keyId: 42);

    [Fact]
    public void SenderCertificateDeserialize_LibsignalVectorWithUnknownField_ValidatesUntilExpiry()
    {
        var trustRoot = ECPrivateKey.Deserialize(new byte[32]).PublicKey;
        var serialized = new Protobuf.ProtoWriter()
            .WriteBytes(1, Convert.FromHexString(LibsignalCertificateData))
            .WriteBytes(2, Convert.FromHexString(LibsignalCertificateSignature))
            .ToArray();

        var certificate = SenderCertificate.Deserialize(serialized);

        Assert.Equal("aaaaaaaa-7000-11eb-b32a-33b8a8a487a6", certificate.SenderUuid);
        Assert.Null(certificate.SenderE164);
        Assert.Equal(1u, certificate.SenderDeviceId);
        Assert.Equal(31337, certificate.Expiration.ToUnixTimeMilliseconds());
        Assert.Equal(1u, certificate.Signer.KeyId);
        Assert.True(certificate.Validate(trustRoot, DateTimeOffset.FromUnixTimeMilliseconds(31336)));
        Assert.True(certificate.Validate(trustRoot, DateTimeOffset.FromUnixTimeMilliseconds(31337)));
        Assert.Equal(CertificateError.Expired, certificate.Check(trustRoot, DateTimeOffset.FromUnixTimeMilliseconds(31338)));
        Assert.Equal(serialized, certificate.Serialize());

        // Our encoder writes the same bytes for the same fields (everything before libsignal's extra field 999).
        var ours = SenderCertificate.EncodeCertificate(certificate.SenderUuid, null, 1, certificate.Key, 31337, certificate.Signer);
        Assert.Equal(LibsignalCertificateData[..LibsignalCertificateData.IndexOf("ba3e", StringComparison.Ordinal)], Convert.ToHexString(ours).ToLowerInvariant());
    }

    [Fact]
    public void SenderCertificateCreate_RoundTripsEveryField()
    {
        var identity = ECKeyPair.Generate().PublicKey;
        var expiry = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_123);

        var created = SenderCertificate.Create("sender-account", "+15551234567", 7, identity, expiry, _world.Server, _world.ServerKey.PrivateKey);
        var parsed = SenderCertificate.Deserialize(created.Serialize());

        Assert.Equal("sender-account", parsed.SenderUuid);
        Assert.Equal("+15551234567", parsed.SenderE164);
        Assert.Equal(7u, parsed.SenderDeviceId);
        Assert.Equal(expiry, parsed.Expiration);
        Assert.Equal(identity, parsed.Key);
        Assert.Equal(42u, parsed.Signer.KeyId);
        Assert.Equal(_world.ServerKey.PublicKey, parsed.Signer.Key);
        Assert.Equal(created.Certificate.ToArray(), parsed.Certificate.ToArray());
        Assert.True(parsed.Validate(_world.TrustRoot.PublicKey, expiry));
        Assert.Equal(created.Serialize(), parsed.Serialize());
    }

    [Fact]
    public void ServerCertificateCreate_RoundTripsAndValidatesOnlyUnderItsTrustRoot()
    {
        var parsed = ServerCertificate.Deserialize(_world.Server.Serialize());

        Assert.Equal(42u, parsed.KeyId);
        Assert.Equal(_world.ServerKey.PublicKey, parsed.Key);
        Assert.True(parsed.Validate(_world.TrustRoot.PublicKey));
        Assert.Equal(CertificateError.ServerCertificateNotTrusted, parsed.Check(ECKeyPair.Generate().PublicKey));
        // {1: id, 2: key}: the id is always written, as proto2 does, even when zero.
        var zeroId = ServerCertificate.Create(0, _world.ServerKey.PublicKey, _world.TrustRoot.PrivateKey);
        Assert.Equal("0800", Convert.ToHexString(zeroId.Certificate[..2]));
    }

    [Fact]
    public void Check_RevokedServerKeyId_RevokedEvenThoughProperlySigned()
    {
        var revoked = ServerCertificate.Create(0xDEADC357, _world.ServerKey.PublicKey, _world.TrustRoot.PrivateKey);
        var sender = SenderCertificate.Create("s", null, 1, ECKeyPair.Generate().PublicKey, SealedSenderWorld.Now.AddDays(1), revoked, _world.ServerKey.PrivateKey);

        Assert.True(_world.TrustRoot.PublicKey.VerifySignature(revoked.Certificate, revoked.Signature));
        Assert.Equal(CertificateError.Revoked, revoked.Check(_world.TrustRoot.PublicKey));
        Assert.Equal(CertificateError.Revoked, sender.Check(_world.TrustRoot.PublicKey, SealedSenderWorld.Now));
        var e = Assert.Throws<InvalidCertificateException>(() => sender.EnsureValid(_world.TrustRoot.PublicKey, SealedSenderWorld.Now));
        Assert.Equal(CertificateError.Revoked, e.Error);
    }

    [Fact]
    public void Check_SignedBySomeoneElse_BadSignature()
    {
        var forger = ECKeyPair.Generate();
        var forgerServer = ServerCertificate.Create(42, forger.PublicKey, ECKeyPair.Generate().PrivateKey);
        var forged = SenderCertificate.Create("s", null, 1, ECKeyPair.Generate().PublicKey, SealedSenderWorld.Now.AddDays(1), forgerServer, forger.PrivateKey);

        var presented = CertificateTestData.WithSigner(forged, _world.Server);

        Assert.Equal(CertificateError.BadSignature, presented.Check(_world.TrustRoot.PublicKey, SealedSenderWorld.Now));
    }

    [Fact]
    public void Create_SigningKeyNotTheServerCertificatesKey_Refused()
    {
        Assert.Throws<ArgumentException>(() =>
            SenderCertificate.Create("s", null, 1, ECKeyPair.Generate().PublicKey, SealedSenderWorld.Now, _world.Server, ECKeyPair.Generate().PrivateKey));
    }

    [Fact]
    public void SenderCertificate_EveryByteFlipped_MalformedOrFailsValidation()
    {
        var certificate = SenderCertificate.Create("sender", "+1555", 3, ECKeyPair.Generate().PublicKey, SealedSenderWorld.Now.AddDays(1),
            _world.Server, _world.ServerKey.PrivateKey).Serialize();

        for (var i = 0; i < certificate.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var tampered = (byte[])certificate.Clone();
                tampered[i] ^= (byte)(1 << bit);
                try
                {
                    var parsed = SenderCertificate.Deserialize(tampered);
                    Assert.NotNull(parsed.Check(_world.TrustRoot.PublicKey, SealedSenderWorld.Now));
                }
                catch (InvalidCertificateException e)
                {
                    Assert.Equal(CertificateError.Malformed, e.Error);
                }
            }
        }
    }

    [Fact]
    public void Deserialize_MissingRequiredFields_Malformed()
    {
        var key = ECKeyPair.Generate().PublicKey.Serialize();
        byte[][] serverCertificates =
        [
            [],
            new Protobuf.ProtoWriter().WriteBytes(1, new Protobuf.ProtoWriter().WriteUInt32(1, 1).WriteBytes(2, key).ToArray()).ToArray(), // no signature
            new Protobuf.ProtoWriter().WriteBytes(1, new Protobuf.ProtoWriter().WriteBytes(2, key).ToArray()).WriteBytes(2, new byte[64]).ToArray(), // no id
            new Protobuf.ProtoWriter().WriteBytes(1, new Protobuf.ProtoWriter().WriteUInt32(1, 1).ToArray()).WriteBytes(2, new byte[64]).ToArray(), // no key
            new Protobuf.ProtoWriter().WriteBytes(1, new Protobuf.ProtoWriter().WriteUInt64(1, 1L << 33).WriteBytes(2, key).ToArray()).WriteBytes(2, new byte[64]).ToArray(), // id > 32 bits
        ];
        foreach (var bytes in serverCertificates)
        {
            Assert.Equal(CertificateError.Malformed, Assert.Throws<InvalidCertificateException>(() => ServerCertificate.Deserialize(bytes)).Error);
        }

        var valid = SenderCertificate.Create("s", null, 1, ECKeyPair.Generate().PublicKey, SealedSenderWorld.Now, _world.Server, _world.ServerKey.PrivateKey);
        var fields = Protobuf.ProtoReader.Read(valid.Certificate.ToArray());
        foreach (var missing in new[] { 2, 3, 4, 5, 6 })
        {
            var writer = new Protobuf.ProtoWriter();
            foreach (var field in fields.Where(f => f.Number != missing))
            {
                _ = field.WireType switch
                {
                    0 => writer.WriteUInt64(field.Number, field.Varint),
                    1 => writer.WriteFixed64(field.Number, field.Varint),
                    _ => writer.WriteBytes(field.Number, field.Bytes.Span),
                };
            }
            var bytes = new Protobuf.ProtoWriter().WriteBytes(1, writer.ToArray()).WriteBytes(2, valid.Signature).ToArray();
            Assert.Equal(CertificateError.Malformed, Assert.Throws<InvalidCertificateException>(() => SenderCertificate.Deserialize(bytes)).Error);
        }
        // Invalid UTF-8 in the sender uuid is malformed, as in libsignal (prost refuses it).
        var badUtf8 = new Protobuf.ProtoWriter().WriteBytes(1, [.. valid.Certificate, 0x32, 0x01, 0xFF]).WriteBytes(2, valid.Signature).ToArray();
        Assert.Equal(CertificateError.Malformed, Assert.Throws<InvalidCertificateException>(() => SenderCertificate.Deserialize(badUtf8)).Error);
    }
}
