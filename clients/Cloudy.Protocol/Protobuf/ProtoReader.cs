namespace Cloudy.Protocol.Protobuf;

/// <summary>One decoded protobuf field: its number, wire type and value (varint/fixed or bytes).</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// Minimal, defensive protobuf decoder: every malformed input becomes a <see cref="FormatException"/>
/// which callers translate into the typed protocol exception for their context.
/// </summary>
internal static class ProtoReader
{
    /// <summary>Decodes all fields of one message; unknown fields are returned too (callers ignore them).</summary>
    public static List<ProtoField> Read(ReadOnlyMemory<byte> data)
    {
        var fields = new List<ProtoField>();
        var span = data.Span;
        var pos = 0;
        while (pos < span.Length)
        {
            var key = ReadVarint(span, ref pos);
            var number = key >> 3;
            var wireType = (int)(key & 7);
            if (number == 0 || number > int.MaxValue)
            {
                throw new FormatException("invalid field number");
            }
            switch (wireType)
            {
                case 0:
                    fields.Add(new ProtoField((int)number, 0, ReadVarint(span, ref pos), default));
                    break;
                case 1:
                    Need(span, pos, 8);
                    fields.Add(new ProtoField((int)number, 1, System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(pos, 8)), default));
                    pos += 8;
                    break;
                case 2:
                    var length = ReadVarint(span, ref pos);
                    if (length > (ulong)(span.Length - pos))
                    {
                        throw new FormatException("length-delimited field overruns buffer");
                    }
                    fields.Add(new ProtoField((int)number, 2, 0, data.Slice(pos, (int)length)));
                    pos += (int)length;
                    break;
                case 5:
                    Need(span, pos, 4);
                    fields.Add(new ProtoField((int)number, 5, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(pos, 4)), default));
                    pos += 4;
                    break;
                default:
                    throw new FormatException($"unsupported wire type {wireType}");
            }
        }
        return fields;
    }

    /// <summary>Last occurrence of a varint field wins (protobuf merge semantics).</summary>
    public static uint? UInt32(List<ProtoField> fields, int number) => Last(fields, number, 0) is { } f ? (uint)f.Varint : null;

    public static ulong? UInt64(List<ProtoField> fields, int number, int wireType = 0) => Last(fields, number, wireType)?.Varint;

    public static ReadOnlyMemory<byte>? Bytes(List<ProtoField> fields, int number) => Last(fields, number, 2)?.Bytes;

    private static ProtoField? Last(List<ProtoField> fields, int number, int wireType)
    {
        ProtoField? last = null;
        foreach (var f in fields)
        {
            if (f.Number == number)
            {
                last = f.WireType == wireType ? f : throw new FormatException($"field {number} has wrong wire type");
            }
        }
        return last;
    }

    public static List<ReadOnlyMemory<byte>> Repeated(List<ProtoField> fields, int number)
    {
        var list = new List<ReadOnlyMemory<byte>>();
        foreach (var f in fields)
        {
            if (f.Number == number)
            {
                if (f.WireType != 2)
                {
                    throw new FormatException($"field {number} has wrong wire type");
                }
                list.Add(f.Bytes);
            }
        }
        return list;
    }

    private static void Need(ReadOnlySpan<byte> span, int pos, int count)
    {
        if (span.Length - pos < count)
        {
            throw new FormatException("truncated field");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= span.Length)
            {
                throw new FormatException("truncated varint");
            }
            var b = span[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw new FormatException("varint too long");
    }
}
