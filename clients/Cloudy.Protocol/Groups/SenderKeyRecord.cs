using Cloudy.Protocol.Keys;
using Cloudy.Protocol.Protobuf;
using Cloudy.Protocol.State;

namespace Cloudy.Protocol.Groups;

/// <summary>
/// Everything we hold for one (sender address, distribution id): up to
/// <see cref="Limits.MaxSenderKeyStates"/> chains, newest first, so that messages still in flight on
/// a chain the sender has since replaced keep decrypting. Serializes as libsignal's
/// <c>SenderKeyRecordStructure {1: repeated SenderKeyStateStructure}</c>.
/// </summary>
public sealed class SenderKeyRecord
{
    private readonly List<SenderKeyState> _states;

    /// <summary>An empty record (no chain yet).</summary>
    public SenderKeyRecord()
        : this([])
    {
    }

    private SenderKeyRecord(List<SenderKeyState> states) => _states = states;

    /// <summary>True when the record holds no chain.</summary>
    public bool IsEmpty => _states.Count == 0;

    /// <summary>How many chains the record holds (at most <see cref="Limits.MaxSenderKeyStates"/>).</summary>
    public int StateCount => _states.Count;

    /// <summary>Chain ids, newest first.</summary>
    public IReadOnlyList<uint> ChainIds => _states.ConvertAll(s => s.ChainId);

    /// <summary>The newest chain: the one we send with, for our own distribution.</summary>
    internal SenderKeyState? Current => _states.Count > 0 ? _states[0] : null;

    /// <summary>The chain a message names, or null.</summary>
    internal SenderKeyState? FindState(uint chainId) => _states.Find(s => s.ChainId == chainId);

    /// <summary>Replaces a chain with its updated copy (after a successful decryption).</summary>
    internal void ReplaceState(SenderKeyState old, SenderKeyState updated) => _states[_states.IndexOf(old)] = updated;

    /// <summary>
    /// libsignal's <c>add_sender_key_state</c>: a chain we already hold with the same id and signing
    /// key is kept as it is (so re-processing an old distribution message never rewinds it and never
    /// re-enables used keys) and moved to the front; any other chain with that id is dropped; the
    /// oldest chains go beyond <see cref="Limits.MaxSenderKeyStates"/>.
    /// </summary>
    internal void AddState(byte messageVersion, uint chainId, uint iteration, byte[] chainKey, ECPublicKey signingKey, ECPrivateKey? signingPrivateKey)
    {
        var existing = _states.Find(s => s.ChainId == chainId && s.SigningKey.Equals(signingKey));
        _states.RemoveAll(s => s.ChainId == chainId);
        var state = existing ?? new SenderKeyState(messageVersion, chainId, iteration, chainKey, signingKey, signingPrivateKey);
        while (_states.Count >= Limits.MaxSenderKeyStates)
        {
            _states.RemoveAt(_states.Count - 1);
        }
        _states.Insert(0, state);
    }

    /// <summary>A copy whose chains can be changed without touching this record.</summary>
    internal SenderKeyRecord Clone() => new(_states.ConvertAll(s => s.Clone()));

    /// <summary>libsignal's <c>SenderKeyRecordStructure</c> bytes.</summary>
    public byte[] Serialize()
    {
        var w = new ProtoWriter();
        foreach (var state in _states)
        {
            w.WriteMessage(1, state.Writer());
        }
        return w.ToArray();
    }

    /// <summary>Parses <see cref="Serialize"/>'s output (or libsignal's); every chain is validated.</summary>
    /// <exception cref="InvalidRecordException">Malformed.</exception>
    public static SenderKeyRecord Deserialize(ReadOnlyMemory<byte> serialized) =>
        RecordCodec.Decode(serialized, fields => new SenderKeyRecord(ProtoReader.Repeated(fields, 1).ConvertAll(SenderKeyState.Decode)));
}
