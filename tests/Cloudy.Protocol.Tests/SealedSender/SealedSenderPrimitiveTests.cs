using System.Security.Cryptography;
using Cloudy.Formats;
using Cloudy.Protocol.Crypto;

namespace Cloudy.Protocol.Tests.SealedSender;

/// <summary>Known-answer tests for the symmetric parts of sealed sender and the unidentified-access key.</summary>
public sealed class SealedSenderPrimitiveTests
{
    private const string RfcKey = "0100000000000000000000000000000000000000000000000000000000000000";
    private const string RfcNonce = "030000000000000000000000";

    /// <summary>RFC 8452 appendix C.2 (AEAD_AES_256_GCM_SIV): key, nonce, AAD, plaintext, ciphertext ‖ tag.</summary>
    public static TheoryData<string, string, string, string, string> GcmSivVectors => new()
    {
        { RfcKey, RfcNonce, "", "", "07f5f4169bbf55a8400cd47ea6fd400f" },
        { RfcKey, RfcNonce, "", "0100000000000000", "c2ef328e5c71c83b843122130f7364b761e0b97427e3df28" },
        { RfcKey, RfcNonce, "", "01000000000000000000000000000000", "85a01b63025ba19b7fd3ddfc033b3e76c9eac6fa700942702e90862383c6c366" },
        {
            RfcKey, RfcNonce, "", "0100000000000000000000000000000002000000000000000000000000000000",
            "4a6a9db4c8c6549201b9edb53006cba821ec9cf850948a7c86c68ac7539d027fe819e63abcd020b006a976397632eb5d"
        },
        { RfcKey, RfcNonce, "01", "0200000000000000", "1de22967237a813291213f267e3b452f02d01ae33e4ec854" },
        { "e66021d5eb8e4f4066d4adb9c33560e4f46e44bb3da0015c94f7088736864200", "e0eaf5284d884a0e77d31646", "", "", "169fbb2fbf389a995f6390af22228a62" },
        { "bae8e37fc83441b16034566b7a806c46bb91c3c5aedb64a6c590bc84d1a5e269", "e4b47801afc0577e34699b9e", "4fbdc66f14", "671fdd", "0eaccb93da9bb81333aee0c785b240d319719d" },
    };

    [Theory]
    [MemberData(nameof(GcmSivVectors))]
    public void GcmSiv_Rfc8452Vectors_EncryptAndDecrypt(string key, string nonce, string aad, string plaintext, string expected)
    {
        var k = Convert.FromHexString(key);
        var ciphertext = SealedSenderCiphers.GcmSiv(true, k, Convert.FromHexString(nonce), Convert.FromHexString(aad), Convert.FromHexString(plaintext));

        Assert.Equal(expected, Convert.ToHexString(ciphertext!).ToLowerInvariant());
        Assert.Equal(plaintext, Convert.ToHexString(SealedSenderCiphers.GcmSiv(false, k, Convert.FromHexString(nonce), Convert.FromHexString(aad), ciphertext!)!).ToLowerInvariant());
        var tampered = (byte[])ciphertext!.Clone();
        tampered[^1] ^= 1;
        Assert.Null(SealedSenderCiphers.GcmSiv(false, k, Convert.FromHexString(nonce), Convert.FromHexString(aad), tampered));
    }

    [Fact]
    public void CtrHmac_LibsignalCtrVector_AndTruncatedMac()
    {
        // libsignal v0.72.1 rust/protocol/src/crypto.rs aes_ctr_test: 35 zero bytes under this key, zero IV.
        var key = Convert.FromHexString("603DEB1015CA71BE2B73AEF0857D77811F352C073B6108D72D9810A30914DFF4");
        var macKey = RandomNumberGenerator.GetBytes(32);

        var sealedBytes = SealedSenderCiphers.CtrHmacEncrypt(new byte[35], key, macKey);

        Assert.Equal("e568f68194cf76d6174d4cc04310a85491151e5d0b7a1f1bc0d7acd0ae3e51e4170e23", Convert.ToHexString(sealedBytes[..35]).ToLowerInvariant());
        Assert.Equal(HMACSHA256.HashData(macKey, sealedBytes[..35])[..10], sealedBytes[35..]);
        Assert.Equal(new byte[35], SealedSenderCiphers.CtrHmacDecrypt(sealedBytes, key, macKey));
        for (var i = 0; i < sealedBytes.Length; i++)
        {
            var tampered = (byte[])sealedBytes.Clone();
            tampered[i] ^= 0x40;
            Assert.Null(SealedSenderCiphers.CtrHmacDecrypt(tampered, key, macKey));
        }
        Assert.Null(SealedSenderCiphers.CtrHmacDecrypt(sealedBytes[..9], key, macKey));
    }

    /// <summary>libsignal v0.72.1 rust/zkgroup/src/api/profiles/profile_key.rs access_key_kat.</summary>
    [Theory]
    [InlineData("b95042a2c2d9e5b3bb09300ee408a172facd96e91b504e043a5a023dc4cff359", "24fb96d4a5e333e9d4451205b9e2faed")]
    [InlineData("26197b17e5a2c36d8c9518c35358f123c476000db6da7565c0d41f6674462c4d", "e895c30cf780757d22f7a179708b14a1")]
    public void DeriveAccessKey_LibsignalKnownAnswers(string profileKey, string accessKey)
    {
        Assert.Equal(accessKey, Convert.ToHexString(UnidentifiedAccess.DeriveAccessKey(Convert.FromHexString(profileKey))).ToLowerInvariant());
    }

    [Fact]
    public void Checksum_IsHmacOverZeros_AndVerifiesOnlyTheRightKey()
    {
        var accessKey = UnidentifiedAccess.DeriveAccessKey(RandomNumberGenerator.GetBytes(32));

        var checksum = UnidentifiedAccess.ComputeChecksum(accessKey);

        Assert.Equal(HMACSHA256.HashData(accessKey, new byte[32]), checksum);
        Assert.True(UnidentifiedAccess.VerifyChecksum(accessKey, checksum));
        var wrong = (byte[])accessKey.Clone();
        wrong[15] ^= 1;
        Assert.False(UnidentifiedAccess.VerifyChecksum(wrong, checksum));
        Assert.False(UnidentifiedAccess.VerifyChecksum(accessKey[..15], checksum));
        Assert.False(UnidentifiedAccess.VerifyChecksum([], checksum));
        Assert.False(UnidentifiedAccess.VerifyChecksum(accessKey, checksum[..31]));
        Assert.Throws<ArgumentException>(() => UnidentifiedAccess.ComputeChecksum(new byte[17]));
        Assert.Throws<ArgumentException>(() => UnidentifiedAccess.DeriveAccessKey(new byte[31]));
    }
}
