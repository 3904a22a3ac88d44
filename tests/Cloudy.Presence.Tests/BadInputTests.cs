using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cloudy.Presence.Tests.Support;

namespace Cloudy.Presence.Tests;

/// <summary>Bad input answers a 4xx problem and writes nothing.</summary>
[Collection(PresenceCollection.Name)]
public sealed class BadInputTests(GarnetPresenceHost host)
{
    private const string ValidId = "AAAAAAAAAAAAAAAAAAAAAA";

    public static TheoryData<string, string, HttpStatusCode> BadSettings => new()
    {
        { "{\"visibility\":\"everyone\"}", "text/plain", HttpStatusCode.UnsupportedMediaType },
        { "not json", "application/json", HttpStatusCode.BadRequest },
        { "", "application/json", HttpStatusCode.BadRequest },
        { "[]", "application/json", HttpStatusCode.BadRequest },
        { "null", "application/json", HttpStatusCode.BadRequest },
        { "{}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"Everyone\"}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"friends\"}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":7}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"allowlist\",\"allow\":\"" + ValidId + "\"}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"allowlist\",\"allow\":[\"" + ValidId + "\",\"has space\"]}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"allowlist\",\"allow\":[\"pr:{x}*\"]}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"allowlist\",\"allow\":[null]}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"allowlist\",\"allow\":[\"\"]}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"allowlist\",\"allow\":[" + string.Join(',', Enumerable.Range(0, 501).Select(i => $"\"id{i}\"")) + "]}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"allowlist\",\"allow\":[\"" + new string('a', 129) + "\"]}", "application/json", HttpStatusCode.BadRequest },
        { "{\"visibility\":\"everyone\",\"pad\":\"" + new string('x', 40_000) + "\"}", "application/json", HttpStatusCode.RequestEntityTooLarge },
    };

    public static TheoryData<string, HttpStatusCode> BadWatches => new()
    {
        { "{}", HttpStatusCode.BadRequest },
        { "{\"accountIds\":[]}", HttpStatusCode.BadRequest },
        { "{\"accountIds\":null}", HttpStatusCode.BadRequest },
        { "{\"accountIds\":[\"a b\"]}", HttpStatusCode.BadRequest },
        { "{\"accountIds\":[\"" + ValidId + "\",7]}", HttpStatusCode.BadRequest },
        { "{\"accountIds\":[" + string.Join(',', Enumerable.Range(0, 101).Select(i => $"\"id{i}\"")) + "]}", HttpStatusCode.BadRequest },
        { "{\"accountIds\":", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task PutSettings_BadBody_4xxProblemAndSettingsUnchanged(string body, string mediaType, HttpStatusCode expected)
    {
        using var client = host.Client(host.Token(PresenceHostFixture.NewAccountId()));
        await client.SetVisibilityAsync("allowlist", ValidId);

        using var response = await client.PutRawAsync("/v1/presence/settings", body, mediaType);

        await response.AssertProblemAsync(expected);
        var settings = await client.GetFromJsonAsync<JsonElement>("/v1/presence/settings");
        Assert.Equal("allowlist", settings.GetProperty("visibility").GetString());
        Assert.Equal([ValidId], settings.GetProperty("allow").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Theory]
    [MemberData(nameof(BadWatches))]
    public async Task Watch_BadBody_400ProblemAndNoWatchRegistered(string body, HttpStatusCode expected)
    {
        var watcher = PresenceHostFixture.NewAccountId();
        using var client = host.Client(host.Token(watcher));

        using var response = await client.PostRawAsync("/v1/presence/watch", body);

        await response.AssertProblemAsync(expected);
        Assert.Null(await host.Db.SortedSetScoreAsync($"pr:{{{ValidId}}}:watchers", watcher));
        Assert.Null(await host.Db.SortedSetScoreAsync("pr:{id0}:watchers", watcher));
    }

    [Theory]
    [InlineData("has%20space")]
    [InlineData("%7Bx%7D")]
    [InlineData("a*")]
    public async Task GetPresence_MalformedAccountId_404LikeAnyHiddenAccount(string accountId)
    {
        using var client = host.Client(host.Token(PresenceHostFixture.NewAccountId()));

        using var response = await client.GetAsync("/v1/presence/" + accountId);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
