extern alias Service;

using System.Net;
using Cloudy.Contracts;
using Cloudy.KeyDirectory.Tests.Support;
using Cloudy.Protocol;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;
using Cloudy.Testing;
using Service::Cloudy.KeyDirectory.Http;

namespace Cloudy.KeyDirectory.Tests;

/// <summary>GET /v1/keys/{account}[/{device}] and /v1/keys/counts through real Kestrel against real Garnet.</summary>
[Collection(GarnetCollection.Name)]
public sealed class BundleFetchTests(GarnetFixture garnet) : KeyDirectoryTestBase(garnet)
{

    [Fact]
    public async Task Fetch_BundleFromServer_StartsAPqxdhSessionTheUploaderDecrypts()
    {
        var bob = new ClientKeys();
        var bobAccount = TokenMinter.NewAccountId();
        var bobClient = Client(bobAccount, 1);
        await bobClient.UploadOkAsync(bob.FullUpload(ec: 2, pq: 2));
        var alice = new ClientKeys();
        var aliceAccount = TokenMinter.NewAccountId();
        var aliceClient = Client(aliceAccount, 1);

        var fetched = Assert.Single((await aliceClient.BundleAsync($"/v1/keys/{bobAccount}/1")).Devices);
        var bobAddress = new ProtocolAddress(bobAccount, 1);
        await new SessionBuilder(alice.Store, bobAddress).ProcessPreKeyBundleAsync(ToProtocolBundle(fetched));
        var ciphertext = await new SessionCipher(alice.Store, bobAddress).EncryptAsync("hello via the key directory"u8.ToArray());

        Assert.Equal(CiphertextMessageType.PreKey, ciphertext.Type);
        var received = PreKeySignalMessage.Deserialize(ciphertext.Body);
        var plaintext = await new SessionCipher(bob.Store, new ProtocolAddress(aliceAccount, 1)).DecryptAsync(received);
        Assert.Equal("hello via the key directory"u8.ToArray(), plaintext);
        Assert.Equal(fetched.PreKey!.KeyId, received.PreKeyId);
        Assert.Equal(fetched.PqPreKey.KeyId, received.KyberPreKeyId);
    }

    [Fact]
    public async Task Fetch_Sequential_ConsumesOneEcAndOnePqKeyEachThenFallsBackToLastResort()
    {
        var (account, owner) = await UploadedAsync(ec: 2, pq: 1);
        var other = Stranger();

        var first = Assert.Single((await other.BundleAsync($"/v1/keys/{account}/1")).Devices);
        var second = Assert.Single((await other.BundleAsync($"/v1/keys/{account}/1")).Devices);
        var third = Assert.Single((await other.BundleAsync($"/v1/keys/{account}/1")).Devices);

        Assert.Equal([1u, 2u], [first.PreKey!.KeyId!.Value, second.PreKey!.KeyId!.Value]);
        Assert.Null(third.PreKey);
        Assert.Equal(ClientKeys.PqFirstId + 1, first.PqPreKey.KeyId);
        Assert.False(first.PqPreKeyIsLastResort);
        Assert.All([second, third], b => Assert.Equal(ClientKeys.LastResortId, b.PqPreKey.KeyId));
        Assert.All([second, third], b => Assert.True(b.PqPreKeyIsLastResort));
        Assert.Equal(new PreKeyCountsResponse(0, 0), await owner.CountsAsync());
    }

    [Fact]
    public async Task Fetch_ConcurrentFetchesFromManyRequesters_NeverHandOutTheSameKeyTwice()
    {
        const int keys = 40;
        const int fetches = 60;
        var (account, _) = await UploadedAsync(ec: keys, pq: keys);
        var clients = Enumerable.Range(0, fetches).Select(_ => Stranger()).ToList();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Every request waits at the same gate, so they reach the server together.
        var pending = clients.Select(async c =>
        {
            await start.Task;
            return Assert.Single((await c.BundleAsync($"/v1/keys/{account}/1")).Devices);
        }).ToList();
        start.SetResult();
        var bundles = await Task.WhenAll(pending);

        var served = bundles.ToList();
        var ec = served.Where(b => b.PreKey is not null).Select(b => b.PreKey!.KeyId!.Value).ToList();
        var pq = served.Where(b => !b.PqPreKeyIsLastResort).Select(b => b.PqPreKey.KeyId!.Value).ToList();
        Assert.Equal(fetches, served.Count);
        Assert.Equal(Enumerable.Range(1, keys).Select(i => (uint)i), ec.Order());   // each EC key exactly once
        Assert.Equal(Enumerable.Range(1, keys).Select(i => ClientKeys.PqFirstId + (uint)i), pq.Order());
        Assert.Equal(fetches - keys, served.Count(b => b.PqPreKeyIsLastResort && b.PreKey is null));
    }

    [Fact]
    public async Task Fetch_AllDevices_ReturnsOneBundlePerDeviceWithKeysInDeviceOrder()
    {
        var account = TokenMinter.NewAccountId();
        var devices = new Dictionary<int, ClientKeys> { [3] = new(), [1] = new() };
        foreach (var (id, keys) in devices)
        {
            await Client(account, id).UploadOkAsync(keys.FullUpload(ec: 1, pq: 1));
        }

        var other = Stranger();
        var response = await other.BundleAsync($"/v1/keys/{account}");

        Assert.Equal(account, response.AccountId);
        Assert.Equal([1, 3], response.Devices.Select(d => d.DeviceId));
        Assert.All(response.Devices, d => Assert.Equal(devices[d.DeviceId].Identity.IdentityKey.Serialize(), d.IdentityKey));
        Assert.All(response.Devices, d => Assert.Equal(1u, d.PreKey!.KeyId));
    }

    [Theory]
    [InlineData("{account}/2")]      // a device without keys
    [InlineData("{unknown}")]         // an account without keys
    [InlineData("{unknown}/1")]
    [InlineData("{account}/0")]
    [InlineData("{account}/128")]
    [InlineData("{account}/abc")]
    [InlineData("{account}/-1")]
    [InlineData("not.an{id}")]
    public async Task Fetch_UnknownAccountOrDevice_Returns404ProblemAndConsumesNothing(string path)
    {
        var (account, owner) = await UploadedAsync(ec: 1, pq: 1);
        var other = Stranger();

        var target = path.Replace("{account}", account, StringComparison.Ordinal).Replace("{unknown}", TokenMinter.NewAccountId(), StringComparison.Ordinal);
        using var response = await other.GetAsync("/v1/keys/" + Uri.EscapeDataString(target).Replace("%2F", "/", StringComparison.Ordinal));

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(new PreKeyCountsResponse(1, 1), await owner.CountsAsync());
    }

    [Theory]
    [InlineData("none")]
    [InlineData("expired")]
    [InlineData("forged")]
    [InlineData("garbage")]
    public async Task FetchAndCounts_WithoutValidToken_Return401AndConsumeNothing(string token)
    {
        var (account, owner) = await UploadedAsync(ec: 1, pq: 1);
        var anonymous = BadTokenClient(token, account);

        foreach (var path in new[] { $"/v1/keys/{account}/1", $"/v1/keys/{account}", "/v1/keys/counts" })
        {
            using var response = await anonymous.GetAsync(path);
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }

        Assert.Equal(new PreKeyCountsResponse(1, 1), await owner.CountsAsync());
    }

    [Fact]
    public async Task Fetch_SeventhFetchOfOneAccountInTenMinutes_Returns429WithRetryAfterAndConsumesNothing()
    {
        var (account, owner) = await UploadedAsync(ec: 10, pq: 10);
        var requester = Stranger();
        for (var i = 0; i < 6; i++)
        {
            await requester.BundleAsync(i % 2 == 0 ? $"/v1/keys/{account}/1" : $"/v1/keys/{account}");
        }

        using var limited = await requester.GetAsync($"/v1/keys/{account}/1");

        await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600);
        Assert.Equal(new PreKeyCountsResponse(4, 4), await owner.CountsAsync());
        var someoneElse = Stranger();
        Assert.Single((await someoneElse.BundleAsync($"/v1/keys/{account}/1")).Devices);   // the limit is per requester→target pair
    }

    [Fact]
    public async Task Counts_AfterUploadAndFetches_ReportsTheCallersDeviceOnly()
    {
        var account = TokenMinter.NewAccountId();
        var device1 = Client(account, 1);
        var device2 = Client(account, 2);
        await device1.UploadOkAsync(new ClientKeys().FullUpload(ec: 5, pq: 3));
        await device2.UploadOkAsync(new ClientKeys().FullUpload(ec: 1, pq: 0));
        var other = Stranger();

        await other.BundleAsync($"/v1/keys/{account}/1");

        Assert.Equal(new PreKeyCountsResponse(4, 2), await device1.CountsAsync());
        Assert.Equal(new PreKeyCountsResponse(1, 0), await device2.CountsAsync());
        var fresh = Stranger();
        Assert.Equal(new PreKeyCountsResponse(0, 0), await fresh.CountsAsync());
    }

    [Fact]
    public async Task Fetch_CrossingTheLowThreshold_PublishesPreKeysLowOncePerCrossing()
    {
        var account = TokenMinter.NewAccountId();
        var device = new ClientKeys();
        var owner = Client(account, 1);
        await owner.UploadOkAsync(device.FullUpload(ec: 12, pq: 12));
        var requester = Stranger();

        for (var i = 0; i < 2; i++)
        {
            await requester.BundleAsync($"/v1/keys/{account}/1");   // 11, then 10 left: not below 10
        }

        Assert.Empty(Host.Bus.Of<PreKeysLow>(Topics.Keys, account));
        for (var i = 0; i < 4; i++)
        {
            await requester.BundleAsync($"/v1/keys/{account}/1");   // 9, 8, 7, 6 left: one crossing
        }

        var low = Assert.Single(Host.Bus.Of<PreKeysLow>(Topics.Keys, account));
        Assert.Equal((account, 1, 9, 9), (low.AccountId, low.DeviceId, low.EcRemaining, low.PqRemaining));

        // A refill to the threshold starts a new cycle: the next crossing is reported again, once.
        await owner.UploadOkAsync(new UploadKeysRequest(null, null, null, device.PreKeys(10, 100), device.PqPreKeys(10, 200), null));
        var another = Stranger();
        await another.BundleAsync($"/v1/keys/{account}/1");
        await another.BundleAsync($"/v1/keys/{account}/1");

        Assert.Equal(2, Host.Bus.Of<PreKeysLow>(Topics.Keys, account).Count);
    }

    [Fact]
    public async Task Fetch_BusDownWhenCrossingThreshold_StillServesTheBundleAndReportsOnTheNextFetch()
    {
        var (account, owner) = await UploadedAsync(ec: 3, pq: 3);
        var requester = Stranger();

        Host.Bus.Fail = true;
        try
        {
            Assert.Equal(1u, Assert.Single((await requester.BundleAsync($"/v1/keys/{account}/1")).Devices).PreKey!.KeyId);
        }
        finally
        {
            Host.Bus.Fail = false;
        }

        Assert.Empty(Host.Bus.Of<PreKeysLow>(Topics.Keys, account));
        await requester.BundleAsync($"/v1/keys/{account}/1");
        var low = Assert.Single(Host.Bus.Of<PreKeysLow>(Topics.Keys, account));
        Assert.Equal(1, low.EcRemaining);
    }

    private static PreKeyBundle ToProtocolBundle(DeviceBundle b) => new(
        (uint)b.RegistrationId,
        (uint)b.DeviceId,
        b.PreKey?.KeyId,
        b.PreKey is null ? null : ECPublicKey.Deserialize(b.PreKey.PublicKey),
        b.SignedPreKey.KeyId!.Value,
        ECPublicKey.Deserialize(b.SignedPreKey.PublicKey),
        b.SignedPreKey.Signature!,
        IdentityKey.Deserialize(b.IdentityKey),
        b.PqPreKey.KeyId!.Value,
        KyberPublicKey.Deserialize(b.PqPreKey.PublicKey),
        b.PqPreKey.Signature!);
}
