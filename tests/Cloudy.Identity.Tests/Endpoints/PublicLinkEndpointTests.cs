using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cloudy.Identity.Domain;

namespace Cloudy.Identity.Tests.Endpoints;

public sealed class PublicLinkEndpointTests(GarnetFixture garnet) : IdentityHostTests(garnet)
{
    [Fact]
    public async Task PublicLink_EnableResolveRotateDisable_OldHandlesStopAtOnce()
    {
        var owner = await Http.NewAccountAsync();
        var other = await Http.NewAccountAsync();

        var handle = await (await Http.SendAsync(HttpMethod.Put, "/v1/accounts/me/link", owner.Token)).ReadStringAsync("handle");
        Assert.True(RandomIds.IsValid(handle, RandomIds.HandleBytes));
        Assert.Equal(owner.AccountId, await (await Http.ResolveAsync(handle, other.Token)).ReadStringAsync("accountId"));

        var rotated = await (await Http.SendAsync(HttpMethod.Post, "/v1/accounts/me/link/rotate", owner.Token)).ReadStringAsync("handle");
        Assert.NotEqual(handle, rotated);
        await (await Http.ResolveAsync(handle)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(owner.AccountId, await (await Http.ResolveAsync(rotated)).ReadStringAsync("accountId"));
        Assert.Equal(rotated, await (await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me/link", owner.Token)).ReadStringAsync("handle"));

        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(HttpMethod.Delete, "/v1/accounts/me/link", owner.Token)).StatusCode);
        await (await Http.ResolveAsync(rotated)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me/link", owner.Token)).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(Garnet.Keys("id:link:" + rotated));
        Assert.Empty(Garnet.Keys("id:link:" + handle));
    }

    [Fact]
    public async Task EnableLink_Twice_KeepsTheSameHandle()
    {
        var owner = await Http.NewAccountAsync();

        var first = await (await Http.SendAsync(HttpMethod.Put, "/v1/accounts/me/link", owner.Token)).ReadStringAsync("handle");
        var second = await (await Http.SendAsync(HttpMethod.Put, "/v1/accounts/me/link", owner.Token)).ReadStringAsync("handle");

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RotateLink_NotEnabled_404ProblemNothingWritten()
    {
        var owner = await Http.NewAccountAsync();
        var before = IdentityKeys();

        await (await Http.SendAsync(HttpMethod.Post, "/v1/accounts/me/link/rotate", owner.Token)).AssertProblemAsync(HttpStatusCode.NotFound);

        AssertNothingWritten(before);
    }

    [Fact]
    public async Task DisableLink_NotEnabled_204Idempotent()
    {
        var owner = await Http.NewAccountAsync();

        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(HttpMethod.Delete, "/v1/accounts/me/link", owner.Token)).StatusCode);
    }

    [Fact]
    public async Task ResolveLink_Anonymous_RevealsOnlyTheAccountId()
    {
        var owner = await Http.NewAccountAsync();
        var handle = await (await Http.SendAsync(HttpMethod.Put, "/v1/accounts/me/link", owner.Token)).ReadStringAsync("handle");

        var body = await (await Http.ResolveAsync(handle)).Content.ReadFromJsonAsync<JsonElement>();

        var property = Assert.Single(body.EnumerateObject());
        Assert.Equal(("accountId", owner.AccountId), (property.Name, property.Value.GetString()));
    }

    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("short")]
    [InlineData("me")]
    [InlineData("%7Bx%7D")]
    public async Task ResolveLink_UnknownOrMalformedHandle_404Problem(string handle)
    {
        await (await Http.ResolveAsync(handle)).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
