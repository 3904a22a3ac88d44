using Cloudy.Protocol.Crypto;
using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Messages;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Ratchet;

/// <summary>The receiving half of the Double Ratchet, following libsignal's session_cipher.rs.</summary>
internal static class DoubleRatchet
{
    /// <summary>
    /// Tries the current session, then (for ratchet messages) each archived one; the first that
    /// authenticates the message is updated and made current. Works on <paramref name="record"/>,
    /// which the caller passes as a copy and commits only on success.
    /// </summary>
    public static byte[] DecryptWithRecord(SessionRecord record, SignalMessage message, bool isPreKeyMessage)
    {
        if (record.Current is null && record.PreviousSessions.Count == 0)
        {
            throw new NoSessionException("no session to decrypt with");
        }
        ProtocolException? firstError = null;
        if (record.Current is not null)
        {
            var candidate = record.Current.Clone();
            try
            {
                var plaintext = DecryptWithState(candidate, message);
                record.SetCurrent(candidate);
                return plaintext;
            }
            catch (DuplicateMessageException)
            {
                throw;
            }
            catch (ProtocolException e)
            {
                if (isPreKeyMessage)
                {
                    throw new InvalidMessageException("decryption failed", e);
                }
                firstError = e;
            }
        }
        for (var i = 0; i < record.PreviousSessions.Count; i++)
        {
            SessionState previous;
            try
            {
                previous = record.DecodePrevious(i);
            }
            catch (Exception e) when (e is FormatException or InvalidKeyException)
            {
                throw new InvalidRecordException("archived session is corrupt", e);
            }
            try
            {
                var plaintext = DecryptWithState(previous, message);
                record.PromoteOldSession(i, previous);
                return plaintext;
            }
            catch (DuplicateMessageException)
            {
                throw;
            }
            catch (ProtocolException e)
            {
                firstError ??= e;
            }
        }
        throw new InvalidMessageException("decryption failed", firstError);
    }

    private static byte[] DecryptWithState(SessionState state, SignalMessage message)
    {
        if (state.Sender is null)
        {
            throw new InvalidMessageException("no session available to decrypt");
        }
        if (message.MessageVersion != state.SessionVersion)
        {
            throw new InvalidVersionException($"message version {message.MessageVersion} does not match session version {state.SessionVersion}");
        }
        var remoteIdentity = state.RemoteIdentity ?? throw new InvalidRecordException("session has no remote identity");
        var chain = GetOrCreateReceiverChain(state, message.SenderRatchetKey);
        var keys = GetOrCreateMessageKeys(state, chain, message.Counter);
        if (!message.VerifyMac(remoteIdentity, state.LocalIdentity, keys.MacKey))
        {
            throw new InvalidMessageException("MAC verification failed");
        }
        var plaintext = Primitives.AesCbcDecrypt(keys.CipherKey, keys.Iv, message.Ciphertext);
        state.ClearUnacknowledgedPreKeyMessage();
        return plaintext;
    }

    /// <summary>A new ratchet key from the peer triggers a DH ratchet step: a receiving chain and a new sending chain.</summary>
    private static ReceiverChain GetOrCreateReceiverChain(SessionState state, ECPublicKey theirRatchetKey)
    {
        if (state.FindReceiverChain(theirRatchetKey) is { } existing)
        {
            return existing;
        }
        var sender = state.Sender!;
        var (rootAfterReceive, receiverChainKey) = RootKey.CreateChain(state.RootKey, theirRatchetKey, sender.RatchetKey.PrivateKey);
        var ourNewRatchetKey = ECKeyPair.Generate();
        var (rootAfterSend, senderChainKey) = RootKey.CreateChain(rootAfterReceive, theirRatchetKey, ourNewRatchetKey.PrivateKey);
        state.RootKey = rootAfterSend;
        state.AddReceiverChain(theirRatchetKey, receiverChainKey);
        var currentIndex = sender.ChainKey.Index;
        state.PreviousCounter = currentIndex > 0 ? currentIndex - 1 : 0;
        state.SetSenderChain(ourNewRatchetKey, senderChainKey);
        return state.FindReceiverChain(theirRatchetKey)!;
    }

    private static MessageKeys GetOrCreateMessageKeys(SessionState state, ReceiverChain chain, uint counter)
    {
        var chainKey = chain.ChainKey;
        if (chainKey.Index > counter)
        {
            var position = chain.MessageKeys.FindIndex(k => k.Index == counter);
            if (position < 0)
            {
                throw new DuplicateMessageException($"duplicate message (counter {counter}, chain index {chainKey.Index})");
            }
            var stored = chain.MessageKeys[position];
            chain.MessageKeys.RemoveAt(position);
            return stored.Derive();
        }
        var jump = counter - chainKey.Index;
        if (jump > Limits.MaxForwardJumps && !state.LocalIdentity.Equals(state.RemoteIdentity))
        {
            throw new InvalidMessageException("message from too far into the future");
        }
        while (chainKey.Index < counter)
        {
            chain.MessageKeys.Insert(0, new StoredMessageKey(chainKey.Index, chainKey.MessageKeySeedBytes(), null));
            if (chain.MessageKeys.Count > Limits.MaxMessageKeys)
            {
                chain.MessageKeys.RemoveAt(chain.MessageKeys.Count - 1);
            }
            chainKey = chainKey.Next();
        }
        chain.ChainKey = chainKey.Next();
        return chainKey.MessageKeys();
    }
}
