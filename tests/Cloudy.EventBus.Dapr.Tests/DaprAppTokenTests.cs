using System.Net;
using Cloudy.Contracts;

namespace Cloudy.EventBus.Dapr.Tests;

/// <summary>With <c>APP_API_TOKEN</c> set (Dapr's app-token-secret), only a caller presenting it reaches the handlers.</summary>
public sealed class DaprAppTokenTests : IAsyncLifetime
{
    private const string Token = "sidecar-shared-secret";
    private readonly EventSink _sink = new();
    private LoopbackHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await Subscriber.StartAsync(_sink, new Dictionary<string, string?> { ["APP_API_TOKEN"] = Token });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Deliver_MissingOrWrongAppToken_Returns401AndInvokesNothing(string? presented)
    {
        var (response, _) = await Subscriber.DeliverAsync(
            _host.Client,
            Topics.Identity,
            Subscriber.SidecarCloudEvent(Topics.Identity, new AccountDeleted("acct-5"), "acct-5"),
            r =>
            {
                if (presented is not null)
                {
                    r.Headers.Add("dapr-api-token", presented);
                }
            });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_sink.Received);
    }

    [Fact]
    public async Task Deliver_MatchingAppToken_InvokesHandler()
    {
        var (_, status) = await Subscriber.DeliverAsync(
            _host.Client,
            Topics.Identity,
            Subscriber.SidecarCloudEvent(Topics.Identity, new AccountDeleted("acct-6"), "acct-6"),
            r => r.Headers.Add("dapr-api-token", Token));

        Assert.Equal("SUCCESS", status);
        Assert.Single(_sink.Received);
    }

    [Fact]
    public async Task Subscribe_WithoutAppToken_Returns401()
    {
        using var response = await _host.Client.GetAsync("/dapr/subscribe");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
