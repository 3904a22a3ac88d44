using System.Buffers;
using System.Buffers.Binary;

namespace Cloudy.Protocol.Protobuf;

/// <summary>
/// Minimal protobuf encoder for the handful of libsignal messages we speak. Fields are written in
/// the order the caller gives (callers use ascending field numbers, as prost does, so our bytes
/// match libsignal's byte for byte).
/// </summary>
/// <remarks>
/// Every message and session record is encoded on each encrypt and decrypt, mostly as nested
/// messages, so the buffer is rented from the shared pool (and cleared on return: it holds key
/// material). <see cref="ToArray"/> and <see cref="WriteMessage"/> end a writer's life.
/// </remarks>
internal sealed class ProtoWriter
{
    private const int InitialCapacity = 128;

    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(InitialCapacity);
    private int _length;

    public ProtoWriter WriteUInt32(int field, uint value) => WriteUInt64(field, value);

    public ProtoWriter WriteUInt64(int field, ulong value)
    {
        WriteVarint(((ulong)field << 3) | 0);
        WriteVarint(value);
        return this;
    }

    public ProtoWriter WriteFixed64(int field, ulong value)
    {
        WriteVarint(((ulong)field << 3) | 1);
        BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);
        return this;
    }

    public ProtoWriter WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteVarint(((ulong)field << 3) | 2);
        WriteVarint((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
        return this;
    }

    /// <summary>Writes <paramref name="nested"/>'s bytes as a length-delimited field and releases it.</summary>
    public ProtoWriter WriteMessage(int field, ProtoWriter nested)
    {
        WriteBytes(field, nested.Written);
        nested.Release();
        return this;
    }

    /// <summary>Proto3 semantics: skip default (empty) values.</summary>
    public ProtoWriter WriteBytesIfNotEmpty(int field, ReadOnlySpan<byte> value) => value.IsEmpty ? this : WriteBytes(field, value);

    /// <summary>Proto3 semantics: skip default (zero) values.</summary>
    public ProtoWriter WriteUInt32IfNotZero(int field, uint value) => value == 0 ? this : WriteUInt32(field, value);

    /// <summary>The encoded message; the writer is released and cannot be written to again.</summary>
    public byte[] ToArray()
    {
        var result = Written.ToArray();
        Release();
        return result;
    }

    private ReadOnlySpan<byte> Written => Buffer.AsSpan(0, _length);

    private byte[] Buffer => _buffer ?? throw new InvalidOperationException("the protobuf writer was already finished");

    private void Release()
    {
        var buffer = Buffer;
        _buffer = null;
        ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
    }

    private Span<byte> Reserve(int count)
    {
        var buffer = Buffer;
        if (buffer.Length - _length < count)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, _length + count));
            buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            _buffer = buffer = larger;
        }
        var span = buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void WriteVarint(ulong value)
    {
        Span<byte> scratch = stackalloc byte[10];
        var count = 0;
        while (value >= 0x80)
        {
            scratch[count++] = (byte)(value | 0x80);
            value >>= 7;
        }
        scratch[count++] = (byte)value;
        scratch[..count].CopyTo(Reserve(count));
    }
}
