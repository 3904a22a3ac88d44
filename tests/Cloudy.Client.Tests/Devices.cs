using System.Security.Cryptography;
using Cloudy.Client.Messaging;
using Cloudy.Client.State;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Recovery;
using Cloudy.Protocol.Stores;

namespace Cloudy.Client.Tests;

/// <summary>A simulated device: its own HTTP client, protocol store and state store, and a messenger over them.</summary>
internal sealed class TestDevice : IDisposable
{
    private TestDevice(Messenger messenger, HttpClient http, IdentityKeyPair identity, InMemoryClientStateStore state)
    {
        Messenger = messenger;
        Http = http;
        Identity = identity;
        State = state;
    }

    public Messenger Messenger { get; }

    public HttpClient Http { get; }

    public IdentityKeyPair Identity { get; }

    public InMemoryClientStateStore State { get; }

    public string AccountId => Messenger.AccountId;

    /// <summary>Small key batches keep the tests light on CPU (Kyber key generation is the costly part).</summary>
    public static MessengerOptions Options { get; } = new() { OneTimePreKeys = 12, PqPreKeys = 12, RefillBelow = 10 };

    public static async Task<TestDevice> CreateAccountAsync(EmbeddedServer server, MessengerOptions? options = null)
    {
        var identity = NewIdentity();
        var http = server.NewHttpClient();
        var state = new InMemoryClientStateStore();
        var messenger = await Messenger.CreateAccountAsync(http, new InMemoryProtocolStore(identity, NewRegistrationId()), state, options ?? Options);
        await DeliveryView.WaitForDeviceAsync(messenger, messenger.AccountId);
        return new TestDevice(messenger, http, identity, state);
    }

    /// <summary>A second device of <paramref name="existing"/>'s account: same identity key (as the recovery words give), own device key.</summary>
    public static async Task<TestDevice> LinkAsync(EmbeddedServer server, TestDevice existing)
    {
        var code = (await existing.Messenger.Identity.IssueLinkCodeAsync())!.Code;
        var http = server.NewHttpClient();
        var state = new InMemoryClientStateStore();
        var messenger = await Messenger.LinkDeviceAsync(http, code, new InMemoryProtocolStore(existing.Identity, NewRegistrationId()), state, Options);
        await DeliveryView.WaitForDeviceAsync(existing.Messenger, existing.AccountId, messenger.DeviceId);
        return new TestDevice(messenger, http, existing.Identity, state);
    }

    public static IdentityKeyPair NewIdentity()
    {
        using var recovery = RecoveryKey.Generate();
        return recovery.DeriveIdentityKeyPair();
    }

    public static uint NewRegistrationId() => (uint)RandomNumberGenerator.GetInt32(1, 16381);

    public void Dispose()
    {
        Messenger.Dispose();
        Http.Dispose();
    }
}
