using System.Diagnostics;

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

    /// <summary>A snapshot of every identity key and its time to live, to prove a refused request wrote nothing.</summary>
    protected KeySnapshot IdentityKeys()
    {
        var db = Garnet.Connection.GetDatabase();
        var keys = Garnet.Keys("id:*");
        // Before the TTLs are read, so that the time since bounds how long any of them has run down.
        var taken = Stopwatch.GetTimestamp();
        // PTTL: -1 no expiry, -2 gone (expired since the scan: left out, as if the scan had not seen it).
        var ttls = keys.Select(k => db.ExecuteAsync("PTTL", k)).ToArray();
        return new KeySnapshot(
            keys.Zip(ttls, (k, t) => (Key: k, Ms: (long)t.GetAwaiter().GetResult()))
                .Where(e => e.Ms != -2)
                .ToDictionary(e => e.Key, e => e.Ms < 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(e.Ms)),
            taken);
    }

    /// <summary>
    /// Asserts that no identity key appeared or disappeared since <paramref name="before"/>. Keys of earlier tests
    /// share the store and some expire (pending challenges after about a minute), so a key whose time to live ran
    /// out meanwhile may be gone; any other change fails.
    /// </summary>
    protected void AssertNothingWritten(KeySnapshot before)
    {
        var after = IdentityKeys();
        Assert.Empty(after.Ttls.Keys.Except(before.Ttls.Keys));
        // Upper bound of the time between the two snapshots, plus slack for the store's expiry clock.
        var elapsed = Stopwatch.GetElapsedTime(before.Taken) + TimeSpan.FromSeconds(1);
        var vanished = before.Ttls.Keys.Except(after.Ttls.Keys).ToList();
        Assert.DoesNotContain(vanished, k => before.Ttls[k] is not { } ttl || ttl > elapsed);
    }

    /// <summary>Identity keys with their time to live (null: no expiry), and when the TTLs were read.</summary>
    /// <param name="Ttls">Each key's time to live.</param>
    /// <param name="Taken">Timestamp (<see cref="Stopwatch.GetTimestamp"/>) taken just before the TTLs were read.</param>
    protected sealed record KeySnapshot(IReadOnlyDictionary<string, TimeSpan?> Ttls, long Taken);
}
