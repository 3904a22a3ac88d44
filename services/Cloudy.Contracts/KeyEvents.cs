namespace Cloudy.Contracts;

/// <summary>A device uploaded an identity key different from the one on record.</summary>
public sealed record IdentityKeyChanged(string AccountId, int DeviceId) : IntegrationEvent;

/// <summary>A device's one-time prekeys (EC or PQ) fell below the refill threshold.</summary>
public sealed record PreKeysLow(string AccountId, int DeviceId, int EcRemaining, int PqRemaining) : IntegrationEvent;
