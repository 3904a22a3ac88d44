namespace Cloudy.Protocol.Tests.Groups;

/// <summary>Why a group message was refused, comparable across Cloudy.Protocol and libsignal.</summary>
internal enum GroupFailure
{
    /// <summary>No record or no chain with the message's chain id.</summary>
    NoState,
    /// <summary>Already decrypted, or its skipped key was dropped.</summary>
    Duplicate,
    /// <summary>The signature does not verify.</summary>
    Signature,
    /// <summary>More than 25,000 iterations ahead.</summary>
    TooFar,
    /// <summary>Not version 3.</summary>
    Version,
    /// <summary>Malformed, or the ciphertext does not decrypt.</summary>
    Invalid,
}

/// <summary>One message's outcome: its plaintext or why it was refused.</summary>
internal readonly record struct GroupDecryptResult(string? Plaintext, GroupFailure? Failure, string Detail)
{
    public static GroupDecryptResult Ok(string plaintext) => new(plaintext, null, "");

    public static GroupDecryptResult Failed(GroupFailure failure, string detail) => new(null, failure, detail);

    public override string ToString() => Plaintext is not null ? $"ok \"{Plaintext}\"" : $"{Failure}: {Detail}";
}

/// <summary>One group member's device, implemented by Cloudy.Protocol or by libsignal through the harness.</summary>
internal interface IGroupParty
{
    ProtocolAddress Address { get; }

    /// <summary>The distribution message for our own chain of <paramref name="distributionId"/> (created on first use).</summary>
    Task<byte[]> CreateDistributionAsync(Guid distributionId);

    /// <summary>Replaces our chain with a new one and returns its distribution message.</summary>
    Task<byte[]> RotateAsync(Guid distributionId);

    Task ProcessDistributionAsync(ProtocolAddress sender, byte[] distribution);

    /// <summary>Encrypts <paramref name="skip"/> throw-away messages (never delivered), then each text.</summary>
    Task<IReadOnlyList<byte[]>> EncryptAsync(Guid distributionId, IReadOnlyList<string> texts, int skip = 0);

    /// <summary>Decrypts each message in order; a refused one does not stop the rest.</summary>
    Task<IReadOnlyList<GroupDecryptResult>> DecryptAsync(ProtocolAddress sender, IReadOnlyList<byte[]> messages);

    /// <summary>The stored record bytes (null if none): equal before and after proves a refused message changed nothing.</summary>
    Task<byte[]?> RecordBytesAsync(ProtocolAddress sender, Guid distributionId);
}
