namespace Cloudy.Contracts;

/// <summary>A new account was created with its first device.</summary>
public sealed record AccountCreated(string AccountId, int DeviceId) : IntegrationEvent;

/// <summary>A device was linked to an existing account.</summary>
public sealed record DeviceLinked(string AccountId, int DeviceId) : IntegrationEvent;

/// <summary>A device was removed from an account; its data must be purged everywhere.</summary>
public sealed record DeviceRemoved(string AccountId, int DeviceId) : IntegrationEvent;

/// <summary>An account was deleted; every service purges what it holds for it.</summary>
public sealed record AccountDeleted(string AccountId) : IntegrationEvent;
