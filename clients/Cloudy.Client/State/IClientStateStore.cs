namespace Cloudy.Client.State;

/// <summary>
/// The client's own small records beside the protocol store: device credentials, prekey id cursors,
/// the devices known per contact, the contact book. Values are opaque bytes; keys are names.
/// Durable implementations must keep both encrypted (see <see cref="SqliteClientStateStore"/>).
/// </summary>
public interface IClientStateStore
{
    /// <summary>The value under <paramref name="key"/>, or null.</summary>
    byte[]? Get(string key);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> (replacing it).</summary>
    void Put(string key, ReadOnlySpan<byte> value);

    /// <summary>Removes <paramref name="key"/> (no error when absent).</summary>
    void Delete(string key);
}

/// <summary>A state store in memory (tests, throwaway clients).</summary>
public sealed class InMemoryClientStateStore : IClientStateStore
{
    private readonly Dictionary<string, byte[]> _values = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        lock (_gate)
        {
            return _values.TryGetValue(key, out var value) ? (byte[])value.Clone() : null;
        }
    }

    /// <inheritdoc />
    public void Put(string key, ReadOnlySpan<byte> value)
    {
        lock (_gate)
        {
            _values[key] = value.ToArray();
        }
    }

    /// <inheritdoc />
    public void Delete(string key)
    {
        lock (_gate)
        {
            _values.Remove(key);
        }
    }
}
