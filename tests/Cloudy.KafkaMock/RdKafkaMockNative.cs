using System.Reflection;
using System.Runtime.InteropServices;
using Cloudy.EventBus.Kafka;

namespace Cloudy.KafkaMock;

/// <summary>
/// P/Invoke declarations for librdkafka's mock-cluster API (<c>rdkafka_mock.h</c>, experimental in
/// librdkafka). The library is resolved to the same file Confluent.Kafka loads (<see cref="KafkaNative"/>),
/// so in-process tests share one copy of librdkafka with their clients.
/// </summary>
internal static partial class RdKafkaMockNative
{
    private const string Library = "cloudy-librdkafka";

    /// <summary><c>RD_KAFKA_PRODUCER</c>: the handle only does book-keeping for the mock cluster.</summary>
    public const int ProducerType = 0;

    static RdKafkaMockNative() =>
        NativeLibrary.SetDllImportResolver(typeof(RdKafkaMockNative).Assembly, Resolve);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        var path = KafkaNative.LibraryPath;
        return path is null ? NativeLibrary.Load("librdkafka.so", assembly, searchPath) : NativeLibrary.Load(path);
    }

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_conf_new();

    [DllImport(Library)]
    public static extern int rd_kafka_conf_set(
        IntPtr conf,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value,
        byte[] errstr,
        UIntPtr errstrSize);

    [DllImport(Library)]
    public static extern void rd_kafka_conf_destroy(IntPtr conf);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, UIntPtr errstrSize);

    [DllImport(Library)]
    public static extern void rd_kafka_destroy(IntPtr rk);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_err2str(int err);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [DllImport(Library)]
    public static extern IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [DllImport(Library)]
    public static extern int rd_kafka_mock_topic_create(
        IntPtr cluster,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string topic,
        int partitionCount,
        int replicationFactor);

    [DllImport(Library)]
    public static extern void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);

    /// <summary>The text of a NUL-terminated error buffer.</summary>
    public static string ErrorText(byte[] errstr)
    {
        var end = Array.IndexOf(errstr, (byte)0);
        return System.Text.Encoding.UTF8.GetString(errstr, 0, end < 0 ? errstr.Length : end);
    }
}
