namespace Cloudy.Protocol.Groups;

/// <summary>
/// We hold no sender-key state for the message's sender and distribution id, or none for its chain
/// id (e.g. the sender rotated and we never got the new distribution message, or the state was
/// pushed out by five newer ones). The remedy is to ask the sender for a fresh distribution message.
/// </summary>
public sealed class NoSenderKeyStateException(Guid distributionId, string message) : ProtocolException(message)
{
    /// <summary>The distribution (group sending key) the message belongs to.</summary>
    public Guid DistributionId { get; } = distributionId;
}

/// <summary>
/// The stored sender-key state cannot do what was asked: encrypting with a state we only received
/// (no private signing key), or a chain that reached the last iteration.
/// </summary>
public sealed class InvalidSenderKeySessionException(Guid distributionId, string message) : ProtocolException(message)
{
    /// <summary>The distribution whose state is unusable.</summary>
    public Guid DistributionId { get; } = distributionId;
}

/// <summary>The message's XEdDSA signature does not verify under the sender's signing key for that chain.</summary>
public sealed class InvalidSignatureException(string message) : ProtocolException(message);

/// <summary>
/// The message's iteration is more than <see cref="State.Limits.MaxForwardJumps"/> ahead of the
/// receiving chain: refused so that a hostile or broken sender cannot make us derive and store
/// an unbounded number of keys.
/// </summary>
public sealed class MessageTooFarInFutureException(uint currentIteration, uint messageIteration)
    : ProtocolException($"message iteration {messageIteration} is too far ahead of the chain (at {currentIteration})")
{
    /// <summary>The receiving chain's next iteration.</summary>
    public uint CurrentIteration { get; } = currentIteration;

    /// <summary>The iteration the message claims.</summary>
    public uint MessageIteration { get; } = messageIteration;
}
