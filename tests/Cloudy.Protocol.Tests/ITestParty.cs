using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Tests;

/// <summary>One side of a conversation, implemented by Cloudy.Protocol or by libsignal through the harness.</summary>
internal interface ITestParty
{
    ProtocolAddress Address { get; }

    Task<PreKeyBundle> CreateBundleAsync(uint? preKeyId, uint signedPreKeyId, uint kyberPreKeyId);

    Task StartSessionAsync(ProtocolAddress remote, PreKeyBundle bundle);

    Task<CiphertextMessage> EncryptAsync(ProtocolAddress remote, string text);

    Task<string> DecryptAsync(ProtocolAddress remote, CiphertextMessage message);

    Task<byte[]?> SessionBytesAsync(ProtocolAddress remote);
}
