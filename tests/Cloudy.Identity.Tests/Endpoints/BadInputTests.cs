using System.Net;
using System.Text;

namespace Cloudy.Identity.Tests.Endpoints;

/// <summary>Every anonymous JSON endpoint refuses every kind of bad body with a 4xx problem and writes nothing.</summary>
public sealed class BadInputTests(GarnetFixture garnet) : IdentityHostTests(garnet)
{
    public static TheoryData<string, string> BadBodies()
    {
        string[] paths = ["/v1/accounts", "/v1/auth/challenge", "/v1/auth/login", "/v1/devices/redeem", "/v1/links/resolve"];
        string[] bodies =
        [
            "{",                                   // truncated
            "not json",
            "[]",                                  // wrong shape
            "null",
            "{\"signingKey\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",           // 31 bytes
            "{\"signingKey\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",        // 33 bytes
            "{\"signingKey\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}",         // padded
            "{\"signingKey\":12}",
            "{\"accountId\":\"../../etc\",\"deviceId\":1}",
            "{\"accountId\":\"AAECAwQFBgcICQoLDA0ODw\",\"deviceId\":0}",
            "{\"accountId\":\"AAECAwQFBgcICQoLDA0ODw\",\"deviceId\":\"1\"}",
            "{\"accountId\":\"AAECAwQFBgcICQoLDA0ODw\",\"deviceId\":1,\"nonce\":\"AAAA\",\"signature\":\"AAAA\"}",
            "{}",
        ];
        var data = new TheoryData<string, string>();
        foreach (var path in paths)
        {
            foreach (var body in bodies)
            {
                data.Add(path, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Post_BadBody_400Or404ProblemNothingWritten(string path, string body)
    {
        var before = IdentityKeys();

        var response = await Http.PostRawAsync(path, body);

        // 400 for malformed input; 404 only where the body is well-formed JSON for that endpoint but
        // names something that does not exist (a challenge for a made-up account, an unknown handle).
        await response.AssertProblemAsync(response.StatusCode == HttpStatusCode.NotFound && path is "/v1/auth/challenge" or "/v1/links/resolve"
            ? HttpStatusCode.NotFound
            : HttpStatusCode.BadRequest);
        AssertNothingWritten(before);
    }

    [Theory]
    [InlineData("/v1/accounts")]
    [InlineData("/v1/auth/login")]
    public async Task Post_WrongMediaType_415Problem(string path)
    {
        var response = await Http.PostAsync(path, new StringContent("{}", Encoding.UTF8, "text/plain"));

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task CreateAccount_BodyOverIdentityLimit_413ProblemNothingWritten()
    {
        var before = IdentityKeys();
        var json = "{\"signingKey\":\"" + new string('A', 20_000) + "\"}";

        var response = await Http.PostRawAsync("/v1/accounts", json);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        AssertNothingWritten(before);
    }

    [Fact]
    public async Task CreateAccount_ChunkedBodyOverEdgeLimit_413Problem()
    {
        var content = new StreamContent(new MemoryStream(new byte[300 * 1024]));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/accounts") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await Http.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task CreateAccount_DeclaredBodyOverEdgeLimit_413ProblemFromEdge()
    {
        var response = await Http.PostRawAsync("/v1/accounts", "{\"signingKey\":\"" + new string('A', 300 * 1024) + "\"}");

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }
}
