namespace Cloudy.Protocol;

/// <summary>A remote party's device: account name plus device id (as libsignal's ProtocolAddress).</summary>
public sealed record ProtocolAddress(string Name, uint DeviceId)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}.{DeviceId}";
}

/// <summary>Whether an identity is checked for sending or receiving.</summary>
public enum Direction
{
    /// <summary>We are about to send to the identity.</summary>
    Sending,
    /// <summary>We received from the identity.</summary>
    Receiving,
}
