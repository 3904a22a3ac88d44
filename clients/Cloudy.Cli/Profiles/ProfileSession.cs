using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Protocol.Storage.Sqlite;

namespace Cloudy.Cli.Profiles;

/// <summary>An unlocked profile: its stores, an HTTP client for its server, and the messenger over them.</summary>
internal sealed class ProfileSession : IDisposable
{
    private readonly SqliteProtocolStore _store;
    private readonly SqliteClientStateStore _state;
    private readonly HttpClient _http;

    private ProfileSession(Profile profile, SqliteProtocolStore store, SqliteClientStateStore state, HttpClient http, Messenger messenger)
    {
        Profile = profile;
        _store = store;
        _state = state;
        _http = http;
        Messenger = messenger;
    }

    public Profile Profile { get; }

    public Messenger Messenger { get; }

    /// <summary>Unlocks an initialized profile with its passphrase.</summary>
    public static ProfileSession Open(CliContext context, Profile profile, string? server)
    {
        if (!profile.Exists)
        {
            throw new CliException($"Profile '{profile.Name}' is not set up: run `cloudy --profile {profile.Name} init` (or `devices link --code`).");
        }

        SqliteProtocolStore store;
        try
        {
            store = SqliteProtocolStore.Open(profile.StorePath, Secrets.Passphrase(context, profile, isNew: false));
        }
        catch (WrongPassphraseException)
        {
            throw new CliException($"The passphrase does not unlock profile '{profile.Name}'.");
        }

        SqliteClientStateStore? state = null;
        HttpClient? http = null;
        try
        {
            state = SqliteClientStateStore.Open(profile.StorePath, store.GetIdentityKeyPairAsync().GetAwaiter().GetResult());
            http = NewHttpClient(server ?? profile.ReadConfig().Server);
            return new ProfileSession(profile, store, state, http, Messenger.Open(http, store, state));
        }
        catch
        {
            http?.Dispose();
            state?.Dispose();
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a profile's stores with <paramref name="register"/> (new account or linked device). On failure
    /// everything created is removed, so the command can simply be run again.
    /// </summary>
    public static async Task<ProfileSession> CreateAsync(
        CliContext context, Profile profile, string server, Cloudy.Protocol.Keys.IdentityKeyPair identity,
        Func<HttpClient, SqliteProtocolStore, SqliteClientStateStore, Task<Messenger>> register)
    {
        if (profile.Exists)
        {
            throw new CliException($"Profile '{profile.Name}' already exists ({profile.Directory}).");
        }

        var passphrase = Secrets.Passphrase(context, profile, isNew: true);
        profile.CreateDirectory();
        SqliteProtocolStore? store = null;
        SqliteClientStateStore? state = null;
        HttpClient? http = null;
        try
        {
            var registrationId = (uint)System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, 16381);
            store = SqliteProtocolStore.Create(profile.StorePath, passphrase, identity, registrationId);
            state = SqliteClientStateStore.Open(profile.StorePath, identity);
            http = NewHttpClient(server);
            var messenger = await register(http, store, state);
            profile.WriteConfig(new ProfileConfig(server));
            return new ProfileSession(profile, store, state, http, messenger);
        }
        catch
        {
            http?.Dispose();
            state?.Dispose();
            store?.Dispose();
            profile.DeletePartial();
            throw;
        }
    }

    public void Dispose()
    {
        // The token (10 minutes) is kept encrypted in the profile: commands in a row log in once, not every time.
        Messenger.SaveToken();
        Messenger.Dispose();
        _http.Dispose();
        _state.Dispose();
        _store.Dispose();
    }

    private static HttpClient NewHttpClient(string server)
    {
        if (!Uri.TryCreate(server.TrimEnd('/') + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new CliException($"'{server}' is not an http(s) URL.", ExitCodes.Usage);
        }

        return new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }
}
