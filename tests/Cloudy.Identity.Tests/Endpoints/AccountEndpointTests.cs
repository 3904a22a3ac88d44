using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cloudy.Contracts;
using Cloudy.EventBus;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.Identity.Tests.Endpoints;

public sealed class AccountEndpointTests(GarnetFixture garnet) : IdentityHostTests(garnet)
{
    [Fact]
    public async Task CreateAccount_ValidKey_201WithRandomIdAndAccountCreatedEvent()
    {
        using var device = new TestDevice();

        var response = await Http.PostJsonAsync("/v1/accounts", new { signingKey = device.PublicKey });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var accountId = await response.ReadStringAsync("accountId");
        Assert.True(Domain.RandomIds.IsValid(accountId, 16));
        var created = Assert.Single(Host.Bus.OfType<AccountCreated>(accountId));
        Assert.Equal(1, created.DeviceId);
        Assert.Equal([$"id:{{{accountId}}}:account", $"id:{{{accountId}}}:devices"], AccountKeys(accountId).Order());
    }

    [Fact]
    public async Task CreateAccount_SameKeyTwice_TwoDistinctAccounts()
    {
        using var device = new TestDevice();

        var first = await (await Http.PostJsonAsync("/v1/accounts", new { signingKey = device.PublicKey })).ReadStringAsync("accountId");
        var second = await (await Http.PostJsonAsync("/v1/accounts", new { signingKey = device.PublicKey })).ReadStringAsync("accountId");

        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task GetAccount_WithToken_ReturnsCallerAccountAndDevice()
    {
        var account = await Http.NewAccountAsync();

        var response = await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me", account.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(account.AccountId, body.GetProperty("accountId").GetString());
        Assert.Equal(1, body.GetProperty("deviceId").GetInt32());
        Assert.Equal(1, body.GetProperty("deviceCount").GetInt32());
        Assert.False(body.GetProperty("linkEnabled").GetBoolean());
    }

    [Fact]
    public async Task DeleteAccount_WithLinkAndDevices_RemovesEveryKeyAndPublishesAccountDeleted()
    {
        var account = await Http.NewAccountAsync();
        var second = await Http.LinkDeviceAsync(account);
        await Http.IssueLinkCodeAsync(account.Token);
        await Http.ChallengeAsync(account.AccountId, 1);
        var handle = await (await Http.SendAsync(HttpMethod.Put, "/v1/accounts/me/link", account.Token)).ReadStringAsync("handle");
        Assert.Equal(4, AccountKeys(account.AccountId).Count);

        var response = await Http.SendAsync(HttpMethod.Delete, "/v1/accounts/me", account.Token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(AccountKeys(account.AccountId));
        Assert.Empty(Garnet.Keys("id:link:" + handle));
        Assert.Single(Host.Bus.OfType<AccountDeleted>(account.AccountId));
        await (await Http.ResolveAsync(handle)).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me", second.Token)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Http.PostJsonAsync("/v1/auth/challenge", new { accountId = account.AccountId, deviceId = 1 }))
            .AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AccountDeletedConsumer_EventForLiveAccount_PurgesIdentityData()
    {
        var account = await Http.NewAccountAsync();
        var subscription = Host.Services.GetServices<EventSubscription>().Single(s => s.EventType == typeof(AccountDeleted));
        Assert.Equal((Topics.Identity, "identity"), (subscription.Topic, subscription.Group));
        using var scope = Host.Services.CreateScope();
        var handler = (IEventHandler<AccountDeleted>)scope.ServiceProvider.GetRequiredService(subscription.HandlerType);

        await handler.HandleAsync(new AccountDeleted(account.AccountId), CancellationToken.None);
        await handler.HandleAsync(new AccountDeleted(account.AccountId), CancellationToken.None);   // redelivery is harmless

        Assert.Empty(AccountKeys(account.AccountId));
    }
}
