using System.Text;
using Cloudy.Contracts.Identity;
using Cloudy.Identity.Domain;

namespace Cloudy.Identity.Tests.Rules;

public sealed class LoginMessageTests
{
    [Fact]
    public void Build_KnownInputs_HasDocumentedLayout()
    {
        var nonce = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        const string account = "AAECAwQFBgcICQoLDA0ODw";

        var message = LoginMessage.Build(nonce, account, 258);

        var expected = Encoding.ASCII.GetBytes("cloudy-login-v1").Concat(new byte[] { 0 }).Concat(nonce)
            .Concat(Encoding.ASCII.GetBytes(account)).Concat(new byte[] { 0, 0, 0, 1, 2 }).ToArray();
        Assert.Equal(expected, message);
        Assert.Equal(15 + 1 + 32 + 22 + 1 + 4, message.Length);
    }

    [Fact]
    public void Build_OtherAccountOrDevice_DiffersSoSignaturesDoNotTransfer()
    {
        var nonce = new byte[32];

        var baseline = LoginMessage.Build(nonce, "AAECAwQFBgcICQoLDA0ODw", 1);

        Assert.NotEqual(baseline, LoginMessage.Build(nonce, "AAECAwQFBgcICQoLDA0OEA", 1));
        Assert.NotEqual(baseline, LoginMessage.Build(nonce, "AAECAwQFBgcICQoLDA0ODw", 2));
    }
}
