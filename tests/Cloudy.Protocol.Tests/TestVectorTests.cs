using Cloudy.Protocol.Crypto;

namespace Cloudy.Protocol.Tests;

/// <summary>Published test vectors for the primitives under the protocol.</summary>
public sealed class TestVectorTests
{
    [Theory]
    // RFC 7748 section 5.2, first vector.
    [InlineData("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4", "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c", "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")]
    // RFC 7748 section 5.2, second vector (bit 255 of u is set and must be ignored).
    [InlineData("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d", "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493", "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957")]
    // RFC 7748 section 6.1: Alice's private key with Bob's public key, and the reverse, give K.
    [InlineData("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")]
    [InlineData("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742")]
    public void X25519Agree_Rfc7748Vector_MatchesExpectedOutput(string scalar, string u, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(X25519.Agree(Convert.FromHexString(scalar), Convert.FromHexString(u))));

    [Theory]
    // Points of order 1, 2, 4 and 8 and their non-canonical encodings (u >= p, bit 255 set).
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0100000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")]
    [InlineData("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")]
    [InlineData("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000080")]
    public void X25519Agree_SmallOrderPublicKey_ThrowsInvalidKeyException(string u)
    {
        var ours = Keys.ECKeyPair.Generate().PrivateKey;
        var theirs = Keys.ECPublicKey.Deserialize([Keys.ECPublicKey.DjbType, .. Convert.FromHexString(u)]);
        Assert.Throws<InvalidKeyException>(() => ours.CalculateAgreement(theirs));
    }

    [Fact]
    public void X25519Agree_WrongKeyLength_ThrowsInvalidKeyException()
    {
        var key = new byte[32];
        key[0] = 9;
        Assert.Throws<InvalidKeyException>(() => X25519.Agree(key, key[..31]));
        Assert.Throws<InvalidKeyException>(() => X25519.Agree(key[..31], key));
        Assert.Throws<InvalidKeyException>(() => X25519.PublicFromPrivate(key[..31]));
    }

    [Theory]
    // RFC 7748 section 6.1 public keys X25519(k, 9).
    [InlineData("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")]
    [InlineData("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")]
    public void X25519PublicFromPrivate_Rfc7748Vector_MatchesExpectedPublicKey(string privateKey, string expected)
    {
        Assert.Equal(expected, Convert.ToHexStringLower(X25519.PublicFromPrivate(Convert.FromHexString(privateKey))));
        Assert.Equal(expected, Convert.ToHexStringLower(Keys.ECPrivateKey.Deserialize(Convert.FromHexString(privateKey)).PublicKey.PublicKeyBytes));
    }

    [Theory]
    // RFC 7748 section 5.2 iterated test: k = u = 9, then k, u = X25519(k, u), k.
    [InlineData(1, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079")]
    [InlineData(1000, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51")]
    public void X25519Agree_Rfc7748Iterated_MatchesExpectedOutput(int iterations, string expected)
    {
        var k = new byte[32];
        k[0] = 9;
        var u = (byte[])k.Clone();
        for (var i = 0; i < iterations; i++)
        {
            var next = X25519.Agree(k, u);
            u = k;
            k = next;
        }
        Assert.Equal(expected, Convert.ToHexStringLower(k));
    }

    [Theory]
    // RFC 5869 appendix A.1 (basic) and A.3 (zero-length salt and info).
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c", "f0f1f2f3f4f5f6f7f8f9", 42,
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "", 42,
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")]
    public void Hkdf_Rfc5869Vector_MatchesExpectedOkm(string ikm, string salt, string info, int length, string expected) =>
        Assert.Equal(expected, Convert.ToHexStringLower(Primitives.Hkdf(Convert.FromHexString(ikm), Convert.FromHexString(salt), Convert.FromHexString(info), length)));

    [Fact]
    public void XEdDsa_SignThenVerify_AcceptsOnlyTheSignedMessageAndKey()
    {
        var key = Keys.IdentityKeyPair.Generate();
        var other = Keys.IdentityKeyPair.Generate();
        var message = "prekey bytes"u8.ToArray();
        var signature = key.Sign(message);
        Assert.Equal(64, signature.Length);
        Assert.True(key.PublicKey.VerifySignature(message, signature));
        Assert.False(other.PublicKey.VerifySignature(message, signature));
        Assert.False(key.PublicKey.VerifySignature("other bytes"u8, signature));
        Assert.False(key.PublicKey.VerifySignature(message, signature[..63]));
    }

    [Fact]
    public void Kyber1024_EncapsulateThenDecapsulate_AgreeOnSecretAndRejectWrongLength()
    {
        var pair = Keys.KyberKeyPair.Generate();
        var (secret, ciphertext) = pair.PublicKey.Encapsulate();
        Assert.Equal(1 + Kyber1024.CiphertextLength, ciphertext.Length);
        Assert.Equal(0x08, ciphertext[0]);
        Assert.Equal(secret, pair.SecretKey.Decapsulate(ciphertext));
        var tampered = (byte[])ciphertext.Clone();
        tampered[100] ^= 1;
        Assert.NotEqual(secret, pair.SecretKey.Decapsulate(tampered)); // implicit rejection: a different, unrelated secret
        Assert.Throws<InvalidMessageException>(() => pair.SecretKey.Decapsulate(ciphertext[..^1]));
    }
}
