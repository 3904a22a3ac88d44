namespace Cloudy.Protocol.Tests;

/// <summary>
/// Deterministic fuzz inputs: purely random byte strings and mutations of valid encodings
/// (bit flips, truncation, insertion, deletion, splices, boundary bytes), from a fixed seed.
/// </summary>
internal static class DecoderFuzzInputs
{
    private static readonly byte[] s_interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x08, 0x0A, 0x12, 0x1A, 0x22];

    public static IEnumerable<byte[]> Random(Random random, int count, int maxLength)
    {
        for (var i = 0; i < count; i++)
        {
            var bytes = new byte[random.Next(maxLength + 1)];
            random.NextBytes(bytes);
            yield return bytes;
        }
    }

    public static IEnumerable<byte[]> Mutations(Random random, IReadOnlyList<byte[]> seeds, int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return Mutate(random, seeds[i % seeds.Count]);
        }
    }

    public static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = new List<byte>(seed);
        var operations = 1 + random.Next(3);
        for (var op = 0; op < operations; op++)
        {
            var position = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0 when bytes.Count > 0:
                    bytes[position] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes = bytes.Take(random.Next(bytes.Count + 1)).ToList(); // truncation
                    break;
                case 2:
                    bytes.InsertRange(position, RandomBytes(random, 1 + random.Next(16)));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(position, Math.Min(bytes.Count - position, 1 + random.Next(16)));
                    break;
                case 4 when bytes.Count > 0:
                    bytes[position] = s_interesting[random.Next(s_interesting.Length)];
                    break;
                case 5:
                    bytes.AddRange(RandomBytes(random, 1 + random.Next(32)));
                    break;
                default:
                    var length = Math.Min(bytes.Count - position, random.Next(32));
                    bytes.RemoveRange(position, length);
                    bytes.InsertRange(position, RandomBytes(random, random.Next(32)));
                    break;
            }
        }

        return [.. bytes];
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
