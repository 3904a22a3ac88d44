using System.Net;
using Cloudy.Contracts;
using Cloudy.EventBus;
using Cloudy.KeyDirectory.Tests.Support;
using Cloudy.Store;
using Cloudy.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.KeyDirectory.Tests;

/// <summary>
/// Identity's DeviceRemoved / AccountDeleted events delivered by the real in-process bus adapter
/// (through the store) to the key directory's consumers.
/// </summary>
[Collection(GarnetCollection.Name)]
public sealed class DeviceRemovedPurgeTests(GarnetFixture garnet) : KeyDirectoryTestBase(garnet, inProcessBus: true)
{

    [Fact]
    public async Task DeviceRemoved_Published_PurgesOnlyThatDevicesKeys()
    {
        var account = TokenMinter.NewAccountId();
        foreach (var device in new[] { 1, 2 })
        {
            await Client(account, device).UploadOkAsync(new ClientKeys().FullUpload(ec: 2, pq: 2));
        }

        var requester = Stranger();
        await requester.BundleAsync($"/v1/keys/{account}/2");   // leaves a rate counter under the account too
        var bus = Host.Services.GetRequiredService<IEventBus>();
        var removed = new DeviceRemoved(account, 2);

        await bus.PublishAsync(Topics.Identity, account, removed);
        await bus.PublishAsync(Topics.Identity, account, removed);   // redelivery must be harmless

        await EventuallyAsync(async () => !(await KeysOf(account)).Any(k => k.Contains(":dev:2", StringComparison.Ordinal)));
        using var gone = await requester.GetAsync($"/v1/keys/{account}/2");
        await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        var all = await requester.BundleAsync($"/v1/keys/{account}");
        Assert.Equal([1], all.Devices.Select(d => d.DeviceId));
    }

    [Fact]
    public async Task AccountDeleted_Published_PlatformPurgeRemovesEveryKeyDirectoryKeyOfTheAccount()
    {
        var account = TokenMinter.NewAccountId();
        var bystander = TokenMinter.NewAccountId();
        foreach (var owner in new[] { account, bystander })
        {
            var client = Client(owner, 1);
            await client.UploadOkAsync(new ClientKeys().FullUpload(ec: 2, pq: 2));
        }

        var requester = Stranger();
        await requester.BundleAsync($"/v1/keys/{account}");
        Assert.Contains(await KeysOf(account), k => k.Contains(":rate:", StringComparison.Ordinal));
        var bystanderBefore = await StoreSnapshot.TakeAsync(Garnet.Connection, KeySpace.KeyDirectory.AccountPattern(bystander));

        await Host.Services.GetRequiredService<IEventBus>().PublishAsync(Topics.Identity, account, new AccountDeleted(account));

        await EventuallyAsync(async () => (await KeysOf(account)).Count == 0);
        using var gone = await requester.GetAsync($"/v1/keys/{account}");
        await gone.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(bystanderBefore, await StoreSnapshot.TakeAsync(Garnet.Connection, KeySpace.KeyDirectory.AccountPattern(bystander)));
    }

    private async Task<IReadOnlyCollection<string>> KeysOf(string account) =>
        (await StoreSnapshot.TakeAsync(Garnet.Connection, KeySpace.KeyDirectory.AccountPattern(account))).Keys;

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The purge did not happen within 30 s.");
            await Task.Delay(50);
        }
    }
}
