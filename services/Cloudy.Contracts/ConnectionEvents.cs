namespace Cloudy.Contracts;

/// <summary>A device opened its delivery stream on instance <paramref name="InstanceId"/>.</summary>
public sealed record DeviceConnected(string AccountId, int DeviceId, string InstanceId) : IntegrationEvent;

/// <summary>A device's delivery stream closed on instance <paramref name="InstanceId"/>.</summary>
public sealed record DeviceDisconnected(string AccountId, int DeviceId, string InstanceId) : IntegrationEvent;
