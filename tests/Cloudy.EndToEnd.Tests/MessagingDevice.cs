using System.Security.Cryptography;
using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Recovery;
using Cloudy.Protocol.Stores;

namespace Cloudy.EndToEnd.Tests;

/// <summary>
/// One client device as the CLI builds it: the client library's <see cref="Messenger"/> (all cryptography on the
/// client) over its own HttpClient to the platform's public entry point, with in-memory protocol and state stores.
/// </summary>
public sealed class MessagingDevice : IDisposable
{
    private MessagingDevice(Messenger messenger, HttpClient http, IdentityKeyPair identity)
    {
        Messenger = messenger;
        _http = http;
        _identity = identity;
    }

    private readonly HttpClient _http;
    private readonly IdentityKeyPair _identity;

    public Messenger Messenger { get; }

    public string AccountId => Messenger.AccountId;

    public int DeviceId => Messenger.DeviceId;

    /// <summary>Small key batches keep the tests light on CPU (Kyber key generation is the costly part).</summary>
    public static MessengerOptions Options { get; } = new() { OneTimePreKeys = 12, PqPreKeys = 12, RefillBelow = 10 };

    /// <summary>A new account whose first device this is; keys uploaded.</summary>
    public static async Task<MessagingDevice> CreateAccountAsync(Uri gateway)
    {
        using var recovery = RecoveryKey.Generate();
        var identity = recovery.DeriveIdentityKeyPair();
        var http = NewHttp(gateway);
        var messenger = await Messenger.CreateAccountAsync(http, new InMemoryProtocolStore(identity, NewRegistrationId()), new InMemoryClientStateStore(), Options);
        return new MessagingDevice(messenger, http, identity);
    }

    /// <summary>A second device of <paramref name="existing"/>'s account (same identity key, as the recovery words give).</summary>
    public static async Task<MessagingDevice> LinkAsync(Uri gateway, MessagingDevice existing)
    {
        var code = (await existing.Messenger.Identity.IssueLinkCodeAsync())!.Code;
        var http = NewHttp(gateway);
        var messenger = await Messenger.LinkDeviceAsync(http, code, new InMemoryProtocolStore(existing._identity, NewRegistrationId()), new InMemoryClientStateStore(), Options);
        return new MessagingDevice(messenger, http, existing._identity);
    }

    public void Dispose()
    {
        Messenger.Dispose();
        _http.Dispose();
    }

    private static HttpClient NewHttp(Uri gateway) => new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };

    private static uint NewRegistrationId() => (uint)RandomNumberGenerator.GetInt32(1, 16381);
}
