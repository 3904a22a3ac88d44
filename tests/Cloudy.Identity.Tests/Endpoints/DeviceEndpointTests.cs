using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cloudy.Contracts;
using Cloudy.Identity.Domain;

namespace Cloudy.Identity.Tests.Endpoints;

public sealed class DeviceEndpointTests(GarnetFixture garnet) : IdentityHostTests(garnet)
{
    [Fact]
    public async Task LinkDevice_CodeRedeemedWithNewKey_NewDeviceLogsInAndDeviceLinkedPublished()
    {
        var owner = await Http.NewAccountAsync();

        var linked = await Http.LinkDeviceAsync(owner);

        Assert.Equal(2, linked.DeviceId);
        Assert.Equal(2, Assert.Single(Host.Bus.OfType<DeviceLinked>(owner.AccountId)).DeviceId);
        var me = await (await Http.SendAsync(HttpMethod.Get, "/v1/accounts/me", linked.Token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, me.GetProperty("deviceId").GetInt32());
    }

    [Fact]
    public async Task ListDevices_TwoDevices_ReturnsBothWithTheirKeys()
    {
        var owner = await Http.NewAccountAsync();
        var linked = await Http.LinkDeviceAsync(owner);

        var body = await (await Http.SendAsync(HttpMethod.Get, "/v1/devices", linked.Token)).Content.ReadFromJsonAsync<JsonElement>();

        var devices = body.GetProperty("devices").EnumerateArray().ToList();
        Assert.Equal([1, 2], devices.Select(d => d.GetProperty("deviceId").GetInt32()));
        Assert.Equal([owner.Device.PublicKey, linked.Device.PublicKey], devices.Select(d => d.GetProperty("signingKey").GetString()));
    }

    [Fact]
    public async Task RedeemCode_UsedTwice_SecondIs404AndNoDeviceAdded()
    {
        var owner = await Http.NewAccountAsync();
        var code = await Http.IssueLinkCodeAsync(owner.Token);
        using var first = new TestDevice();
        using var second = new TestDevice();
        Assert.Equal(HttpStatusCode.Created, (await Http.PostJsonAsync("/v1/devices/redeem", new { code, signingKey = first.PublicKey })).StatusCode);

        var again = await Http.PostJsonAsync("/v1/devices/redeem", new { code, signingKey = second.PublicKey });

        await again.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(2, await Garnet.Connection.GetDatabase().HashLengthAsync($"id:{{{owner.AccountId}}}:devices"));
    }

    [Fact]
    public async Task RedeemCode_Expired_404Problem()
    {
        var owner = await Http.NewAccountAsync();
        var code = await Http.IssueLinkCodeAsync(owner.Token);
        using var device = new TestDevice();
        Host.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        var response = await Http.PostJsonAsync("/v1/devices/redeem", new { code, signingKey = device.PublicKey });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RedeemCode_WellFormedButUnknownSecret_404ProblemNothingWritten()
    {
        var owner = await Http.NewAccountAsync();
        await Http.IssueLinkCodeAsync(owner.Token);
        using var device = new TestDevice();
        var before = IdentityKeys();

        var response = await Http.PostJsonAsync("/v1/devices/redeem", new { code = LinkCode.New(owner.AccountId).Text, signingKey = device.PublicKey });

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        AssertNothingWritten(before);
    }

    [Theory]
    [InlineData("{\"code\":\"garbage\",\"signingKey\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}")]
    [InlineData("{\"code\":null}")]
    [InlineData("{\"code\":42}")]
    [InlineData("{\"code\":\"x.y\",\"signingKey\":\"AAAA\"}")]
    public async Task RedeemCode_MalformedBody_400ProblemNothingWritten(string json)
    {
        var before = IdentityKeys();

        var response = await Http.PostRawAsync("/v1/devices/redeem", json);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        AssertNothingWritten(before);
    }

    [Fact]
    public async Task RedeemCode_WrongKeyLength_400ProblemAndCodeStillUsable()
    {
        var owner = await Http.NewAccountAsync();
        var code = await Http.IssueLinkCodeAsync(owner.Token);
        using var device = new TestDevice();

        await (await Http.PostJsonAsync("/v1/devices/redeem", new { code, signingKey = Convert.ToBase64String(new byte[33]) }))
            .AssertProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.Created, (await Http.PostJsonAsync("/v1/devices/redeem", new { code, signingKey = device.PublicKey })).StatusCode);
    }

    [Fact]
    public async Task LinkDevice_BeyondSixDevices_409ProblemAndCodeStaysUnused()
    {
        var owner = await Http.NewAccountAsync();
        for (var i = 2; i <= 6; i++)
        {
            Assert.Equal(i, (await Http.LinkDeviceAsync(owner)).DeviceId);
        }

        var code = await Http.IssueLinkCodeAsync(owner.Token);
        using var seventh = new TestDevice();
        var response = await Http.PostJsonAsync("/v1/devices/redeem", new { code, signingKey = seventh.PublicKey });

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(6, await Garnet.Connection.GetDatabase().HashLengthAsync($"id:{{{owner.AccountId}}}:devices"));
        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(HttpMethod.Delete, "/v1/devices/6", owner.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await Http.PostJsonAsync("/v1/devices/redeem", new { code, signingKey = seventh.PublicKey })).StatusCode);
    }

    [Fact]
    public async Task LinkDevice_ConcurrentRedemptionsAtCap_NeverExceedSix()
    {
        var owner = await Http.NewAccountAsync();
        for (var i = 2; i <= 3; i++)
        {
            await Http.LinkDeviceAsync(owner);
        }

        var codes = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            codes.Add(await Http.IssueLinkCodeAsync(owner.Token));
        }

        // 3 devices + 4 codes redeemed at once: only 3 may succeed.
        var devices = codes.Select(_ => new TestDevice()).ToList();
        var responses = await Task.WhenAll(codes.Zip(devices, (code, d) => Http.PostJsonAsync("/v1/devices/redeem", new { code, signingKey = d.PublicKey })));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(6, await Garnet.Connection.GetDatabase().HashLengthAsync($"id:{{{owner.AccountId}}}:devices"));
        devices.ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task RemoveDevice_Linked_204DeviceRemovedPublishedAndItsTokenRefused()
    {
        var owner = await Http.NewAccountAsync();
        var linked = await Http.LinkDeviceAsync(owner);

        var response = await Http.SendAsync(HttpMethod.Delete, $"/v1/devices/{linked.DeviceId}", owner.Token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(linked.DeviceId, Assert.Single(Host.Bus.OfType<DeviceRemoved>(owner.AccountId)).DeviceId);
        await (await Http.SendAsync(HttpMethod.Get, "/v1/devices", linked.Token)).AssertProblemAsync(HttpStatusCode.Unauthorized);
        await (await Http.PostJsonAsync("/v1/auth/challenge", new { accountId = owner.AccountId, deviceId = linked.DeviceId }))
            .AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RemoveDevice_LastDevice_409ProblemDeviceKept()
    {
        var owner = await Http.NewAccountAsync();

        var response = await Http.SendAsync(HttpMethod.Delete, "/v1/devices/1", owner.Token);

        await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(HttpMethod.Get, "/v1/devices", owner.Token)).StatusCode);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("0")]
    [InlineData("128")]
    [InlineData("abc")]
    [InlineData("99999999999999999999")]
    public async Task RemoveDevice_UnknownOrMalformedId_404Problem(string deviceId)
    {
        var owner = await Http.NewAccountAsync();
        await Http.LinkDeviceAsync(owner);

        var response = await Http.SendAsync(HttpMethod.Delete, "/v1/devices/" + deviceId, owner.Token);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RemoveDevice_OtherAccountsDevice_404AndOtherAccountUntouched()
    {
        var victim = await Http.NewAccountAsync();
        await Http.LinkDeviceAsync(victim);
        var attacker = await Http.NewAccountAsync();

        var response = await Http.SendAsync(HttpMethod.Delete, "/v1/devices/2", attacker.Token);

        await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(2, await Garnet.Connection.GetDatabase().HashLengthAsync($"id:{{{victim.AccountId}}}:devices"));
        Assert.Empty(Host.Bus.OfType<DeviceRemoved>(victim.AccountId));
    }

    [Fact]
    public async Task IssueLinkCode_TooManyPending_429Problem()
    {
        var owner = await Http.NewAccountAsync();
        for (var i = 0; i < 4; i++)
        {
            await Http.IssueLinkCodeAsync(owner.Token);
        }

        await (await Http.SendAsync(HttpMethod.Post, "/v1/devices/link-codes", owner.Token)).AssertProblemAsync(HttpStatusCode.TooManyRequests);
    }
}
