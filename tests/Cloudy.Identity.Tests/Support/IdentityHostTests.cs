namespace Cloudy.Identity.Tests;

/// <summary>Base of integration test classes: one identity host (edge policies on) per class, sharing Garnet.</summary>
[Collection(GarnetCollection.Name)]
public abstract class IdentityHostTests(GarnetFixture garnet) : IAsyncLifetime
{
    protected GarnetFixture Garnet { get; } = garnet;

    protected IdentityHost Host { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    /// <summary>Overrides of the host's settings.</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>Whether the host runs the edge policies (embedded wiring) or only the service (behind a gateway).</summary>
    protected virtual bool Edge => true;

    public async Task InitializeAsync()
    {
        Host = await IdentityHost.StartAsync(Garnet.Connection, Edge, Settings);
        Http = Host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>Every identity key of one account (hash-tagged), for "nothing left / nothing written" checks.</summary>
    protected List<string> AccountKeys(string accountId) => Garnet.Keys("id:{" + accountId + "}*");

    /// <summary>A snapshot of every identity key, to prove a refused request wrote nothing.</summary>
    protected HashSet<string> IdentityKeys() => [.. Garnet.Keys("id:*")];
}
