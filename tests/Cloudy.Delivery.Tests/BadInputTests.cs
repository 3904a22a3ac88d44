using System.Net;
using Cloudy.Delivery.Tests.Support;
using Cloudy.Testing;
using static Cloudy.Delivery.Tests.Support.DeliveryApi;

namespace Cloudy.Delivery.Tests;

/// <summary>Every malformed request is a 4xx RFC 7807 problem and writes nothing; tokens are required everywhere.</summary>
public sealed class BadInputTests(GarnetFixture garnet) : DeliveryHostTests(garnet)
{
    /// <summary>Bodies that are wrong in one way each, with the status they must get.</summary>
    public static TheoryData<string, string, int> BadBodies => new()
    {
        { "not json", "{\"messages\":", 400 },
        { "array", "[]", 400 },
        { "null", "null", 400 },
        { "no timestamp", "{\"messages\":[{\"deviceId\":1,\"type\":2,\"content\":\"AAAA\"}]}", 400 },
        { "zero timestamp", "{\"messages\":[{\"deviceId\":1,\"type\":2,\"content\":\"AAAA\"}],\"timestamp\":0}", 400 },
        { "timestamp string", "{\"messages\":[{\"deviceId\":1,\"type\":2,\"content\":\"AAAA\"}],\"timestamp\":\"now\"}", 400 },
        { "no messages", "{\"timestamp\":1}", 400 },
        { "empty messages", "{\"messages\":[],\"timestamp\":1}", 400 },
        { "null message", "{\"messages\":[null],\"timestamp\":1}", 400 },
        { "device 0", "{\"messages\":[{\"deviceId\":0,\"type\":2,\"content\":\"AAAA\"}],\"timestamp\":1}", 400 },
        { "device negative", "{\"messages\":[{\"deviceId\":-1,\"type\":2,\"content\":\"AAAA\"}],\"timestamp\":1}", 400 },
        { "device huge", "{\"messages\":[{\"deviceId\":99999999999,\"type\":2,\"content\":\"AAAA\"}],\"timestamp\":1}", 400 },
        { "no type", "{\"messages\":[{\"deviceId\":1,\"content\":\"AAAA\"}],\"timestamp\":1}", 400 },
        { "type 1", "{\"messages\":[{\"deviceId\":1,\"type\":1,\"content\":\"AAAA\"}],\"timestamp\":1}", 400 },
        { "no content", "{\"messages\":[{\"deviceId\":1,\"type\":2}],\"timestamp\":1}", 400 },
        { "empty content", "{\"messages\":[{\"deviceId\":1,\"type\":2,\"content\":\"\"}],\"timestamp\":1}", 400 },
        { "not base64", "{\"messages\":[{\"deviceId\":1,\"type\":2,\"content\":\"!!!\"}],\"timestamp\":1}", 400 },
        { "padded base64", "{\"messages\":[{\"deviceId\":1,\"type\":2,\"content\":\"AA==\"}],\"timestamp\":1}", 400 },
        { "standard base64 alphabet", "{\"messages\":[{\"deviceId\":1,\"type\":2,\"content\":\"+/+/\"}],\"timestamp\":1}", 400 },
        { "registration 0", "{\"messages\":[{\"deviceId\":1,\"registrationId\":0,\"type\":2,\"content\":\"AAAA\"}],\"timestamp\":1}", 400 },
        { "registration too big", "{\"messages\":[{\"deviceId\":1,\"registrationId\":16384,\"type\":2,\"content\":\"AAAA\"}],\"timestamp\":1}", 400 },
        { "duplicate device", "{\"messages\":[{\"deviceId\":1,\"type\":2,\"content\":\"AAAA\"},{\"deviceId\":1,\"type\":2,\"content\":\"AAAA\"}],\"timestamp\":1}", 400 },
        { "too many messages", "{\"messages\":[" + string.Join(',', Enumerable.Range(1, 17).Select(i => $"{{\"deviceId\":{i},\"type\":2,\"content\":\"AAAA\"}}")) + "],\"timestamp\":1}", 400 },
        { "body over 900 KiB", "{\"pad\":\"" + new string('a', 900 * 1024) + "\"}", 413 },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Send_BadBody_Returns4xxProblemAndWritesNothing(string name, string body, int status)
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();

        using var response = await Http.SendRawAsync(Host.Token(alice, 1), bob, body);

        await response.AssertProblemAsync((HttpStatusCode)status);
        await AssertNothingWrittenAsync(alice, bob, name);
    }

    [Fact]
    public async Task Send_WrongMediaType_Returns415()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync();

        using var response = await Http.SendRawAsync(Host.Token(alice, 1), bob, Body([new Msg(1, Content("a"))]), "text/plain");

        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await AssertNothingWrittenAsync(alice, bob, "media type");
    }

    [Theory]
    [InlineData("not%20an%20id")]
    [InlineData("a*")]
    [InlineData("%7Bx%7D")]
    public async Task Send_MalformedAccountIdInPath_Returns404(string account)
    {
        var alice = await Host.CreateAccountAsync();

        using var response = await Http.SendRawAsync(Host.Token(alice, 1), account, Body([new Msg(1, Content("a"))]));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=101")]
    [InlineData("?limit=x")]
    [InlineData("?after=-1")]
    [InlineData("?after=abc")]
    public async Task Fetch_BadQuery_Returns400(string query)
    {
        var bob = await Host.CreateAccountAsync();

        using var response = await Http.FetchRawAsync(Host.Token(bob, 1), query);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("*")]
    public async Task Ack_UnknownOrMalformedId_Returns404(string id)
    {
        var bob = await Host.CreateAccountAsync();

        using var response = await Http.AckAsync(Host.Token(bob, 1), id);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AllEndpoints_WithoutOrWithForgedToken_Return401()
    {
        var bob = await Host.CreateAccountAsync();
        var forged = DeliveryHost.Forged(bob, 1);
        var expired = Host.Token(bob, 1, DateTimeOffset.UtcNow.AddMinutes(-5));

        foreach (var token in new[] { null, forged, expired, "not-a-jwt" })
        {
            using var send = await Http.SendRawAsync(token, bob, Body([new Msg(1, Content("a"))]));
            await send.AssertProblemAsync(HttpStatusCode.Unauthorized);
            using var fetch = await Http.FetchRawAsync(token);
            await fetch.AssertProblemAsync(HttpStatusCode.Unauthorized);
            using var ack = await Http.AckAsync(token, "01ARZ3NDEKTSV4RRFFQ69G5FAV");
            await ack.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{bob}}}:mb:1:q"));
    }

    [Fact]
    public async Task Fetch_QueryNamingAnotherDevice_IsIgnoredDeviceComesFromToken()
    {
        var alice = await Host.CreateAccountAsync();
        var bob = await Host.CreateAccountAsync(2);
        await Http.SendOkAsync(Host.Token(alice, 1), bob, new Msg(1, Content("for 1")), new Msg(2, Content("for 2")));
        await Http.WaitForMailboxAsync(Host.Token(bob, 2), 1);

        var page = await Http.FetchAsync(Host.Token(bob, 1), "?deviceId=2&accountId=" + alice);

        Assert.Equal(Content("for 1"), Assert.Single(page.Envelopes()).GetProperty("content").GetString());
    }

    private async Task AssertNothingWrittenAsync(string sender, string recipient, string name)
    {
        await Task.Delay(100);
        Assert.False(await Host.Db.KeyExistsAsync($"dl:{{{recipient}}}:mb:1:q"), name);
        Assert.Equal(0, await Host.Db.HashLengthAsync($"dl:{{{recipient}}}:mb:1:e"));
        var server = Garnet.Connection.GetServers().Single();
        await foreach (var key in server.KeysAsync(pattern: $"dl:{{{sender}}}:rate:*"))
        {
            Assert.Fail($"{name}: a rate counter was written for a refused request ({key})");
        }
    }
}
