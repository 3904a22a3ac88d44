using System.Text;
using Cloudy.Protocol.Groups;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Stores;

namespace Cloudy.Protocol.Tests.Groups;

/// <summary>A Cloudy device for group tests: a sender-key store (in memory unless given) and a <see cref="GroupCipher"/>.</summary>
internal sealed class CloudyGroupParty : IGroupParty
{
    public CloudyGroupParty(string name, ISenderKeyStore? store = null, uint deviceId = 1)
    {
        Address = new ProtocolAddress(name, deviceId);
        Store = store ?? new InMemoryProtocolStore(IdentityKeyPair.Generate(), 1);
        Cipher = new GroupCipher(Store);
    }

    public ProtocolAddress Address { get; }

    public ISenderKeyStore Store { get; }

    public GroupCipher Cipher { get; }

    public async Task<byte[]> CreateDistributionAsync(Guid distributionId) => (await Cipher.CreateDistributionMessageAsync(Address, distributionId)).Serialize();

    public async Task<byte[]> RotateAsync(Guid distributionId) => (await Cipher.RotateAsync(Address, distributionId)).Serialize();

    public Task ProcessDistributionAsync(ProtocolAddress sender, byte[] distribution) =>
        Cipher.ProcessDistributionMessageAsync(sender, SenderKeyDistributionMessage.Deserialize(distribution));

    public async Task<IReadOnlyList<byte[]>> EncryptAsync(Guid distributionId, IReadOnlyList<string> texts, int skip = 0)
    {
        if (skip > 0)
        {
            // What encrypting and discarding `skip` messages does to our state, without signing them:
            // encryption only moves the chain one step per message.
            var record = (await Store.LoadSenderKeyAsync(Address, distributionId))!;
            for (var i = 0; i < skip; i++)
            {
                record.Current!.ChainKey = record.Current.ChainKey.Next();
            }
            await Store.StoreSenderKeyAsync(Address, distributionId, record);
        }
        var messages = new List<byte[]>();
        foreach (var text in texts)
        {
            messages.Add((await Cipher.EncryptAsync(Address, distributionId, Encoding.UTF8.GetBytes(text))).Serialize());
        }
        return messages;
    }

    public async Task<IReadOnlyList<GroupDecryptResult>> DecryptAsync(ProtocolAddress sender, IReadOnlyList<byte[]> messages)
    {
        var results = new List<GroupDecryptResult>();
        foreach (var message in messages)
        {
            results.Add(await DecryptOneAsync(sender, message));
        }
        return results;
    }

    /// <summary>
    /// A message signed with our own chain's key, as only we could make it, at <paramref name="iteration"/>
    /// (not before the chain's next one) with a ciphertext chosen by <paramref name="ciphertext"/> from
    /// that iteration's real key. Our stored state does not move.
    /// </summary>
    public async Task<byte[]> CraftSignedAsync(Guid distributionId, uint iteration, Func<SenderMessageKey, byte[]> ciphertext)
    {
        var state = (await Store.LoadSenderKeyAsync(Address, distributionId))!.Current!;
        var key = state.Clone().TakeMessageKey(iteration, distributionId);
        return SenderKeyMessage.Create(3, distributionId, state.ChainId, iteration, ciphertext(key), state.SigningPrivateKey!).Serialize();
    }

    public async Task<byte[]?> RecordBytesAsync(ProtocolAddress sender, Guid distributionId) => (await Store.LoadSenderKeyAsync(sender, distributionId))?.Serialize();

    /// <summary>Our own typed exceptions, mapped to the shared failure kinds; any other exception fails the test.</summary>
    private async Task<GroupDecryptResult> DecryptOneAsync(ProtocolAddress sender, byte[] message)
    {
        try
        {
            return GroupDecryptResult.Ok(Encoding.UTF8.GetString(await Cipher.DecryptAsync(sender, message)));
        }
        catch (ProtocolException e)
        {
            var failure = e switch
            {
                NoSenderKeyStateException => GroupFailure.NoState,
                DuplicateMessageException => GroupFailure.Duplicate,
                InvalidSignatureException => GroupFailure.Signature,
                MessageTooFarInFutureException => GroupFailure.TooFar,
                InvalidVersionException => GroupFailure.Version,
                InvalidMessageException => GroupFailure.Invalid,
                _ => throw new InvalidOperationException($"unexpected exception type {e.GetType().Name}", e),
            };
            return GroupDecryptResult.Failed(failure, e.Message);
        }
    }
}
