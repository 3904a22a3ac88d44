using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Cloudy.Client.State;

/// <summary>This device's login credentials as kept in the state store.</summary>
/// <param name="AccountId">Account id.</param>
/// <param name="DeviceId">Device id.</param>
/// <param name="SigningKey">Raw Ed25519 private key (seed) of the device.</param>
/// <param name="Server">The server the device is registered with.</param>
public sealed record StoredDevice(string AccountId, int DeviceId, byte[] SigningKey, string? Server);

/// <summary>Next ids for generated prekeys (ids must not repeat while old keys may still be in use).</summary>
public sealed record PreKeyCursor(uint NextPreKeyId, uint NextPqPreKeyId, uint NextSignedPreKeyId);

/// <summary>A contact: a name only this client knows, the account it stands for, and the identity key first seen.</summary>
/// <param name="Name">Local name.</param>
/// <param name="AccountId">Account id.</param>
/// <param name="IdentityKey">Serialized identity key recorded for the contact (null until first seen).</param>
/// <param name="Verified">True after the user accepted the current identity key (e.g. after a key change).</param>
public sealed record Contact(string Name, string AccountId, byte[]? IdentityKey = null, bool Verified = false);

/// <summary>JSON records over an <see cref="IClientStateStore"/>.</summary>
internal static class ClientStateJson
{
    /// <summary>Reads a JSON record, or default when absent.</summary>
    internal static T? GetJson<T>(this IClientStateStore store, string key, JsonTypeInfo<T> type) =>
        store.Get(key) is { } bytes ? JsonSerializer.Deserialize(bytes, type) : default;

    /// <summary>Writes a JSON record.</summary>
    internal static void PutJson<T>(this IClientStateStore store, string key, T value, JsonTypeInfo<T> type) =>
        store.Put(key, JsonSerializer.SerializeToUtf8Bytes(value, type));
}
