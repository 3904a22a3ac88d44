using Cloudy.Protocol.Protobuf;

namespace Cloudy.Protocol.State;

/// <summary>
/// All sessions with one remote device: the current one plus up to
/// <see cref="Limits.ArchivedStatesMaxLength"/> archived ones (newest first). Serializes as
/// libsignal's <c>RecordStructure</c>.
/// </summary>
public sealed class SessionRecord
{
    private readonly List<byte[]> _previous = [];

    /// <summary>An empty record (no session yet).</summary>
    public SessionRecord()
    {
    }

    internal SessionRecord(SessionState state) => Current = state;

    internal SessionState? Current { get; private set; }

    /// <summary>Archived sessions, newest first, each in serialized <c>SessionStructure</c> form.</summary>
    internal IReadOnlyList<byte[]> PreviousSessions => _previous;

    /// <summary>True when there is a current session.</summary>
    public bool HasCurrentSession => Current is not null;

    /// <summary>Session (message) version of the current session.</summary>
    public uint SessionVersion => Current?.SessionVersion ?? throw new NoSessionException("no current session");

    /// <summary>The remote registration id recorded in the current session.</summary>
    public uint RemoteRegistrationId => Current?.RemoteRegistrationId ?? throw new NoSessionException("no current session");

    /// <summary>The local registration id recorded in the current session.</summary>
    public uint LocalRegistrationId => Current?.LocalRegistrationId ?? throw new NoSessionException("no current session");

    /// <summary>Archives the current session (e.g. on an identity change or a manual reset).</summary>
    public void ArchiveCurrentState()
    {
        if (Current is null)
        {
            return;
        }
        var current = Current.Clone();
        current.ClearUnacknowledgedPreKeyMessage();
        if (_previous.Count >= Limits.ArchivedStatesMaxLength)
        {
            _previous.RemoveAt(_previous.Count - 1);
        }
        _previous.Insert(0, SessionStateCodec.Encode(current));
        Current = null;
    }

    /// <summary>Serializes as <c>RecordStructure { 1: current SessionStructure, 2: repeated bytes previous }</c>.</summary>
    public byte[] Serialize()
    {
        var w = new ProtoWriter();
        if (Current is not null)
        {
            w.WriteMessage(1, SessionStateCodec.Writer(Current));
        }
        foreach (var previous in _previous)
        {
            w.WriteBytes(2, previous);
        }
        return w.ToArray();
    }

    /// <summary>Parses <see cref="Serialize"/>'s output (or libsignal's); every archived state is validated too.</summary>
    public static SessionRecord Deserialize(ReadOnlyMemory<byte> serialized) => RecordCodec.Decode(serialized, fields =>
    {
        var record = new SessionRecord();
        if (ProtoReader.Bytes(fields, 1) is { } current)
        {
            record.Current = SessionStateCodec.Decode(current);
        }
        foreach (var previous in ProtoReader.Repeated(fields, 2))
        {
            _ = SessionStateCodec.Decode(previous);
            record._previous.Add(previous.ToArray());
        }
        return record;
    });

    /// <summary>A deep copy: the cipher works on a copy and only stores it when an operation succeeds.</summary>
    internal SessionRecord Clone()
    {
        var copy = new SessionRecord { Current = Current?.Clone() };
        copy._previous.AddRange(_previous);
        return copy;
    }

    internal SessionState DecodePrevious(int index) => SessionStateCodec.Decode(_previous[index]);

    /// <summary>Makes <paramref name="state"/> current, archiving the old current session.</summary>
    internal void PromoteState(SessionState state)
    {
        ArchiveCurrentState();
        Current = state;
    }

    /// <summary>Replaces the current session in place (after a successful decrypt with it).</summary>
    internal void SetCurrent(SessionState state) => Current = state;

    /// <summary>Removes archived session <paramref name="index"/> and makes <paramref name="updated"/> current.</summary>
    internal void PromoteOldSession(int index, SessionState updated)
    {
        _previous.RemoveAt(index);
        PromoteState(updated);
    }

    /// <summary>If a session with this initiator base key exists, make it current and return true.</summary>
    internal bool PromoteMatchingSession(uint version, ReadOnlySpan<byte> aliceBaseKey)
    {
        if (Current is not null && Current.HasSameBaseKey(version, aliceBaseKey))
        {
            return true;
        }
        for (var i = 0; i < _previous.Count; i++)
        {
            var previous = DecodePrevious(i);
            if (previous.HasSameBaseKey(version, aliceBaseKey))
            {
                PromoteOldSession(i, previous);
                return true;
            }
        }
        return false;
    }
}
