using Cloudy.Testing;

namespace Cloudy.KeyDirectory.Tests.Support;

/// <summary>
/// A test class with its own <see cref="KeyDirectoryHost"/> on the collection's Garnet, and clients that
/// are disposed with it.
/// </summary>
public abstract class KeyDirectoryTestBase(GarnetFixture garnet, bool inProcessBus = false) : IAsyncLifetime
{
    private readonly List<HttpClient> _clients = [];
    private KeyDirectoryHost? _host;

    /// <summary>The shared Garnet.</summary>
    protected GarnetFixture Garnet => garnet;

    /// <summary>The host under test.</summary>
    protected KeyDirectoryHost Host => _host ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _host = await KeyDirectoryHost.StartAsync(garnet.Connection, inProcessBus: inProcessBus);

    public async Task DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>A client authenticated as <paramref name="accountId"/>/<paramref name="deviceId"/> (or anonymous when null).</summary>
    protected HttpClient Client(string? accountId, int deviceId = 1)
    {
        var client = Host.CreateClient(accountId, deviceId);
        _clients.Add(client);
        return client;
    }

    /// <summary>A client of a fresh account (someone fetching bundles).</summary>
    protected HttpClient Stranger() => Client(TokenMinter.NewAccountId());

    /// <summary>A client carrying a bad token for <paramref name="accountId"/>: none, expired, forged or garbage.</summary>
    protected HttpClient BadTokenClient(string kind, string accountId)
    {
        var client = Client(null);
        var bearer = kind switch
        {
            "expired" => Host.Tokens.Expired(accountId, 1),
            "forged" => Host.Tokens.Forged(accountId, 1),
            "garbage" => "not-a-jwt",
            _ => null,
        };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        }

        return client;
    }

    /// <summary>A fresh account whose device 1 uploaded a full set of keys with <paramref name="ec"/> EC and <paramref name="pq"/> PQ one-time keys.</summary>
    protected async Task<(string Account, HttpClient Owner)> UploadedAsync(int ec, int pq, ClientKeys? keys = null)
    {
        var account = TokenMinter.NewAccountId();
        var owner = Client(account);
        await owner.UploadOkAsync((keys ?? new ClientKeys()).FullUpload(ec, pq));
        return (account, owner);
    }
}
