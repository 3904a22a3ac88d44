using Cloudy.Delivery.Tests.Support;
using Cloudy.Testing;
using static Cloudy.Delivery.Tests.Support.DeliveryApi;

namespace Cloudy.Delivery.Tests;

/// <summary>
/// Embedded mode: delivery on its own in-process Garnet (AOF, commit-wait) and the in-process bus. An
/// acknowledged send must still arrive after the host stops — whether its consumer had run or not — and
/// starts again on the same data directory. (That the AOF survives a hard kill is proved by the store tests.)
/// </summary>
[Collection(DeliveryCollection.Name)]
public sealed class DurabilityTests
{
    [Fact]
    public async Task Send_AckedThenHostRestartedOnSameDataDir_EnvelopeDelivered()
    {
        using var dataDir = new TempDirectory("delivery-embedded");
        var settings = new Dictionary<string, string?> { ["Store:Embedded"] = "true", ["Cloudy:DataDir"] = dataDir.Path };
        string alice, bob, envelopeId;
        var first = await DeliveryHost.StartAsync(garnet: null, settings);
        try
        {
            alice = await first.CreateAccountAsync();
            bob = await first.CreateAccountAsync();
            using var http = first.CreateClient();
            var sent = await http.SendOkAsync(first.Token(alice, 1), bob, new Msg(1, Content("survives")));
            envelopeId = sent.GetProperty("envelopes")[0].GetProperty("envelopeId").GetString()!;
        }
        finally
        {
            // Stop right after the acknowledgement: the consumer may or may not have stored it yet.
            await first.DisposeAsync();
        }

        await using var second = await DeliveryHost.StartAsync(garnet: null, settings);
        using var client = second.CreateClient();
        var envelope = Assert.Single(await client.WaitForMailboxAsync(second.Token(bob, 1), 1));
        Assert.Equal(envelopeId, envelope.GetProperty("id").GetString());
        Assert.Equal(Content("survives"), envelope.GetProperty("content").GetString());
    }
}
