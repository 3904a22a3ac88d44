using System.Numerics;
using System.Security.Cryptography;
using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;

namespace Cloudy.Protocol.Tests;

/// <summary>XEdDSA verification against libsignal's published vector and its acceptance rules.</summary>
public sealed class XEdDsaTests
{
    // libsignal rust/core/src/curve/curve25519.rs, test_signature: Alice's identity key signs her ephemeral key.
    private static readonly byte[] LibsignalPrivate = Convert.FromHexString("c097248412e58bf05df487968205132794178e367637f5818f81e0e6ce73e865");
    private static readonly byte[] LibsignalPublic = Convert.FromHexString("ab7e717d4a163b7d9a1d8071dfe9dcf8cdcd1cea3339b6356be84d887e322c64");
    private static readonly byte[] LibsignalMessage = Convert.FromHexString("05edce9d9c415ca78cb7252e72c2c4a554d3eb29485a0e1d503118d1a82d99fb4a");
    private static readonly byte[] LibsignalSignature = Convert.FromHexString(
        "5de88ca9a89b4a115da79109c67c9c7464a3e4180274f1cb8c63c2984e286dfbede82deb9dcd9fae0bfbb821569b3d9001bd8130cd11d486cef047bd60b86e88");

    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493");

    [Fact]
    public void Verify_LibsignalVector_AcceptsAndRejectsEveryFlippedBit()
    {
        Assert.Equal(LibsignalPublic, ECPrivateKey.Deserialize(LibsignalPrivate).PublicKey.PublicKeyBytes.ToArray());
        Assert.True(XEdDsa.Verify(LibsignalPublic, LibsignalMessage, LibsignalSignature));
        for (var bit = 0; bit < LibsignalSignature.Length * 8; bit++)
        {
            var tampered = (byte[])LibsignalSignature.Clone();
            tampered[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(XEdDsa.Verify(LibsignalPublic, LibsignalMessage, tampered), $"bit {bit} flipped was accepted");
        }
    }

    [Fact]
    public void Verify_ScalarPlusGroupOrderBelow2To253_AcceptedAsLibsignalDoes()
    {
        // libsignal reduces s mod L after refusing s >= 2^253; libsodium alone would refuse s >= L.
        var s = ReadScalar(LibsignalSignature);
        var malleated = s + L;
        Assert.True(malleated < BigInteger.Pow(2, 253));
        Assert.True(XEdDsa.Verify(LibsignalPublic, LibsignalMessage, WithScalar(LibsignalSignature, malleated)));
        Assert.False(XEdDsa.Verify(LibsignalPublic, LibsignalMessage, WithScalar(LibsignalSignature, s + BigInteger.Pow(2, 253))));
    }

    [Fact]
    public void Verify_EmptyAndLargeMessages_RoundTripWithFreshKeys()
    {
        var key = ECKeyPair.Generate();
        foreach (var message in new[] { Array.Empty<byte>(), RandomNumberGenerator.GetBytes(1 << 20) })
        {
            var signature = key.PrivateKey.CalculateSignature(message);
            Assert.True(key.PublicKey.VerifySignature(message, signature));
            Assert.False(ECKeyPair.Generate().PublicKey.VerifySignature(message, signature));
        }
    }

    [Fact]
    public void TryMontgomeryToEdwards_EdgeAndRandomInputs_MatchBirationalMap()
    {
        var inputs = new List<BigInteger> { 0, 1, 2, 9, P - 2, P, P + 1, BigInteger.Pow(2, 255) - 1, BigInteger.Pow(2, 256) - 1 };
        for (var i = 0; i < 500; i++)
        {
            inputs.Add(new BigInteger(RandomNumberGenerator.GetBytes(32), isUnsigned: true));
        }
        Span<byte> actual = stackalloc byte[32];
        foreach (var raw in inputs)
        {
            var encoded = new byte[32];
            raw.TryWriteBytes(encoded, out _, isUnsigned: true);
            foreach (var signBit in new[] { 0, 1 })
            {
                // RFC 7748: bit 255 of u is ignored, then u is taken mod p.
                var u = (raw & (BigInteger.Pow(2, 255) - 1)) % P;
                var y = (u - 1 + P) % P * BigInteger.ModPow(u + 1, P - 2, P) % P;
                var expected = new byte[32];
                y.TryWriteBytes(expected, out _, isUnsigned: true);
                expected[31] |= (byte)(signBit << 7);
                Assert.True(XEdDsa.TryMontgomeryToEdwards(encoded, signBit, actual));
                Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
            }
        }
        var minusOne = new byte[32];
        (P - 1).TryWriteBytes(minusOne, out _, isUnsigned: true);
        Assert.False(XEdDsa.TryMontgomeryToEdwards(minusOne, 0, actual));
    }

    private static BigInteger ReadScalar(byte[] signature)
    {
        var s = signature[32..];
        s[31] &= 0x7F;
        return new BigInteger(s, isUnsigned: true);
    }

    private static byte[] WithScalar(byte[] signature, BigInteger s)
    {
        var result = (byte[])signature.Clone();
        var bytes = new byte[32];
        s.TryWriteBytes(bytes, out _, isUnsigned: true);
        bytes[31] |= (byte)(signature[63] & 0x80);
        bytes.CopyTo(result, 32);
        return result;
    }
}
