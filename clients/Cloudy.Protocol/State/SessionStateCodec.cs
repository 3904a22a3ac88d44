using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;
using Cloudy.Protocol.Ratchet;

namespace Cloudy.Protocol.State;

/// <summary>
/// Encodes <see cref="SessionState"/> as libsignal's proto3 <c>SessionStructure</c> (storage.proto at
/// v0.72.1), so records are readable by either implementation.
/// </summary>
internal static class SessionStateCodec
{
    public static byte[] Encode(SessionState s) => Writer(s).ToArray();

    /// <summary>The encoder holding <paramref name="s"/>, so a record can embed it without an intermediate array.</summary>
    public static ProtoWriter Writer(SessionState s)
    {
        var w = new ProtoWriter()
            .WriteUInt32IfNotZero(1, s.SessionVersion)
            .WriteBytes(2, s.LocalIdentity.Serialize());
        if (s.RemoteIdentity is not null)
        {
            w.WriteBytes(3, s.RemoteIdentity.Serialize());
        }
        w.WriteBytesIfNotEmpty(4, s.RootKey).WriteUInt32IfNotZero(5, s.PreviousCounter);
        if (s.Sender is not null)
        {
            w.WriteMessage(6, ChainWriter(s.Sender.RatchetKey.PublicKey, s.Sender.RatchetKey.PrivateKey, s.Sender.ChainKey, []));
        }
        foreach (var chain in s.ReceiverChains)
        {
            w.WriteMessage(7, ChainWriter(chain.RatchetKey, null, chain.ChainKey, chain.MessageKeys));
        }
        if (s.PendingPreKey is { } pending)
        {
            var p = new ProtoWriter();
            if (pending.PreKeyId is { } id)
            {
                p.WriteUInt32(1, id);
            }
            p.WriteBytesIfNotEmpty(2, pending.BaseKey);
            if (pending.SignedPreKeyId != 0)
            {
                // proto int32: negative values (ids >= 2^31) are sign-extended to 64 bits.
                p.WriteUInt64(3, unchecked((ulong)(long)(int)pending.SignedPreKeyId));
            }
            if (pending.TimestampSeconds != 0)
            {
                p.WriteUInt64(4, pending.TimestampSeconds);
            }
            w.WriteMessage(9, p);
        }
        w.WriteUInt32IfNotZero(10, s.RemoteRegistrationId)
            .WriteUInt32IfNotZero(11, s.LocalRegistrationId)
            .WriteBytesIfNotEmpty(13, s.AliceBaseKey);
        if (s.PendingKyberPreKey is { } kyber)
        {
            w.WriteMessage(14, new ProtoWriter().WriteUInt32IfNotZero(1, kyber.PreKeyId).WriteBytesIfNotEmpty(2, kyber.Ciphertext));
        }
        return w;
    }

    /// <summary>Decodes; throws <see cref="FormatException"/> or <see cref="InvalidKeyException"/> on malformed data.</summary>
    public static SessionState Decode(ReadOnlyMemory<byte> data)
    {
        var f = ProtoReader.Read(data);
        var local = IdentityKey.Deserialize(Required(f, 2));
        var remoteBytes = ProtoReader.Bytes(f, 3);
        var remote = remoteBytes is { Length: > 0 } r ? IdentityKey.Deserialize(r.Span) : null;
        var rootKey = ProtoReader.Bytes(f, 4)?.ToArray() ?? [];
        if (rootKey.Length != 32)
        {
            throw new FormatException("session root key must be 32 bytes");
        }
        var state = new SessionState(ProtoReader.UInt32(f, 1) ?? 0, local, remote, rootKey, ProtoReader.Bytes(f, 13)?.ToArray() ?? [])
        {
            PreviousCounter = ProtoReader.UInt32(f, 5) ?? 0,
            RemoteRegistrationId = ProtoReader.UInt32(f, 10) ?? 0,
            LocalRegistrationId = ProtoReader.UInt32(f, 11) ?? 0,
        };
        if (ProtoReader.Bytes(f, 6) is { } senderBytes)
        {
            var c = ProtoReader.Read(senderBytes);
            var pub = ECPublicKey.Deserialize(Required(c, 1));
            var priv = ECPrivateKey.Deserialize(Required(c, 2));
            state.SetSenderChain(new ECKeyPair(pub, priv), DecodeChainKey(c));
        }
        foreach (var chainBytes in ProtoReader.Repeated(f, 7))
        {
            var c = ProtoReader.Read(chainBytes);
            var chain = new ReceiverChain(ECPublicKey.Deserialize(Required(c, 1))) { ChainKey = DecodeChainKey(c) };
            foreach (var mk in ProtoReader.Repeated(c, 4))
            {
                chain.MessageKeys.Add(DecodeMessageKey(ProtoReader.Read(mk)));
            }
            state.ReceiverChains.Add(chain);
        }
        if (ProtoReader.Bytes(f, 9) is { } pendingBytes)
        {
            var p = ProtoReader.Read(pendingBytes);
            state.PendingPreKey = new PendingPreKey(
                ProtoReader.UInt32(p, 1),
                unchecked((uint)(int)(long)(ProtoReader.UInt64(p, 3) ?? 0)),
                ProtoReader.Bytes(p, 2)?.ToArray() ?? [],
                ProtoReader.UInt64(p, 4) ?? 0);
        }
        if (ProtoReader.Bytes(f, 14) is { } kyberBytes)
        {
            var k = ProtoReader.Read(kyberBytes);
            state.PendingKyberPreKey = new PendingKyberPreKey(ProtoReader.UInt32(k, 1) ?? 0, ProtoReader.Bytes(k, 2)?.ToArray() ?? []);
        }
        return state;
    }

    private static ProtoWriter ChainWriter(ECPublicKey ratchetKey, ECPrivateKey? privateKey, ChainKey chainKey, List<StoredMessageKey> messageKeys)
    {
        var w = new ProtoWriter().WriteBytes(1, ratchetKey.Serialize());
        if (privateKey is not null)
        {
            w.WriteBytes(2, privateKey.KeyBytes);
        }
        w.WriteMessage(3, new ProtoWriter().WriteUInt32IfNotZero(1, chainKey.Index).WriteBytes(2, chainKey.Key));
        foreach (var mk in messageKeys)
        {
            var m = new ProtoWriter().WriteUInt32IfNotZero(1, mk.Index);
            if (mk.Seed is not null)
            {
                m.WriteBytes(5, mk.Seed);
            }
            else if (mk.Keys is not null)
            {
                m.WriteBytes(2, mk.Keys.CipherKey).WriteBytes(3, mk.Keys.MacKey).WriteBytes(4, mk.Keys.Iv);
            }
            w.WriteMessage(4, m);
        }
        return w;
    }

    private static ChainKey DecodeChainKey(List<ProtoField> chain)
    {
        var ck = ProtoReader.Read(ProtoReader.Bytes(chain, 3) ?? throw new FormatException("chain without chain key"));
        var key = ProtoReader.Bytes(ck, 2)?.ToArray() ?? [];
        if (key.Length != 32)
        {
            throw new FormatException("chain key must be 32 bytes");
        }
        return new ChainKey(key, ProtoReader.UInt32(ck, 1) ?? 0);
    }

    private static StoredMessageKey DecodeMessageKey(List<ProtoField> m)
    {
        var index = ProtoReader.UInt32(m, 1) ?? 0;
        if (ProtoReader.Bytes(m, 5) is { Length: > 0 } seed)
        {
            return seed.Length == 32 ? new StoredMessageKey(index, seed.ToArray(), null) : throw new FormatException("message key seed must be 32 bytes");
        }
        var cipher = ProtoReader.Bytes(m, 2)?.ToArray() ?? [];
        var mac = ProtoReader.Bytes(m, 3)?.ToArray() ?? [];
        var iv = ProtoReader.Bytes(m, 4)?.ToArray() ?? [];
        if (cipher.Length != 32 || mac.Length != 32 || iv.Length != 16)
        {
            throw new FormatException("invalid stored message keys");
        }
        return new StoredMessageKey(index, null, new MessageKeys(cipher, mac, iv, index));
    }

    private static ReadOnlySpan<byte> Required(List<ProtoField> fields, int number) =>
        (ProtoReader.Bytes(fields, number) ?? throw new FormatException($"missing field {number}")).Span;
}
