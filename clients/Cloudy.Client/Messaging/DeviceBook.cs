using Cloudy.Client.State;

namespace Cloudy.Client.Messaging;

/// <summary>
/// The devices this client addresses per account (the protocol store cannot list its sessions), and
/// identity keys that were refused as changed, waiting for the user's decision.
/// </summary>
internal sealed class DeviceBook(IClientStateStore state)
{
    public IReadOnlyList<int> Get(string accountId) => state.GetJson("devices/" + accountId, ClientJsonContext.Default.ListInt32) ?? [];

    public void Set(string accountId, IEnumerable<int> devices) =>
        state.PutJson("devices/" + accountId, [.. devices.Distinct().Order()], ClientJsonContext.Default.ListInt32);

    public void Add(string accountId, int device)
    {
        var devices = Get(accountId);
        if (!devices.Contains(device))
        {
            Set(accountId, [.. devices, device]);
        }
    }

    /// <summary>
    /// The identity key trusted for the whole account (first seen, or accepted by the user). The protocol store trusts
    /// per device address, so without this a new device presenting another key would be trusted on first use.
    /// </summary>
    public byte[]? AccountIdentity(string accountId) => state.Get("identity/" + accountId);

    public void SetAccountIdentity(string accountId, byte[] identityKey) => state.Put("identity/" + accountId, identityKey);

    public byte[]? PendingIdentity(string accountId) => state.Get("identity-change/" + accountId);

    public void SetPendingIdentity(string accountId, byte[] identityKey) => state.Put("identity-change/" + accountId, identityKey);

    public void ClearPendingIdentity(string accountId) => state.Delete("identity-change/" + accountId);
}
