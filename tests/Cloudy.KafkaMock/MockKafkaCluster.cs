using System.Globalization;
using System.Runtime.InteropServices;
using Cloudy.EventBus.Kafka;
using static Cloudy.KafkaMock.RdKafkaMockNative;

namespace Cloudy.KafkaMock;

/// <summary>
/// librdkafka's built-in mock cluster, hosted in this process: a Kafka broker TEST DOUBLE that speaks the
/// real protocol on loopback (produce, idempotence, consumer groups, offset commits) for tests and local
/// multi-process runs. It keeps everything in memory and is never a production broker.
/// </summary>
public sealed class MockKafkaCluster : IDisposable
{
    private readonly Lock _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;

    private MockKafkaCluster(IntPtr handle, IntPtr cluster, MockKafkaClusterOptions options)
    {
        _handle = handle;
        _cluster = cluster;
        Options = options;
        BootstrapServers = Marshal.PtrToStringUTF8(rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("The mock cluster reported no bootstrap servers.");
    }

    /// <summary>Comma-separated <c>127.0.0.1:port</c> list of the mock brokers.</summary>
    public string BootstrapServers { get; }

    /// <summary>The options the cluster was started with.</summary>
    public MockKafkaClusterOptions Options { get; }

    /// <summary>Starts a mock cluster and pre-creates <see cref="MockKafkaClusterOptions.EffectiveTopics"/>.</summary>
    /// <exception cref="InvalidOperationException">librdkafka refused the configuration or the cluster.</exception>
    public static MockKafkaCluster Start(MockKafkaClusterOptions? options = null)
    {
        options ??= new MockKafkaClusterOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Brokers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Partitions, 1);

        // Same librdkafka file as Confluent.Kafka, loaded once (dlopen returns the same instance).
        KafkaNative.EnsureLoaded();
        var handle = NewHandle(options.LogLevel);
        var cluster = rd_kafka_mock_cluster_new(handle, options.Brokers);
        if (cluster == IntPtr.Zero)
        {
            rd_kafka_destroy(handle);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }

        var mock = new MockKafkaCluster(handle, cluster, options);
        try
        {
            rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, (int)options.InitialRebalanceDelay.TotalMilliseconds);
            foreach (var topic in options.EffectiveTopics)
            {
                mock.CreateTopic(topic, options.Partitions);
            }
        }
        catch
        {
            mock.Dispose();
            throw;
        }

        return mock;
    }

    /// <summary>Creates <paramref name="topic"/> (the mock has no CreateTopics admin API).</summary>
    public void CreateTopic(string topic, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);
            var replication = Math.Min(Options.Brokers, 3);
            var error = rd_kafka_mock_topic_create(_cluster, topic, partitions, replication);
            if (error != 0)
            {
                throw new InvalidOperationException(
                    $"Creating topic '{topic}' failed: {Marshal.PtrToStringUTF8(rd_kafka_err2str(error))}");
            }
        }
    }

    /// <summary>Stops the brokers (closing client connections) and frees the hosting handle.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != IntPtr.Zero)
            {
                rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_handle != IntPtr.Zero)
            {
                rd_kafka_destroy(_handle);
                _handle = IntPtr.Zero;
            }
        }
    }

    private static IntPtr NewHandle(int logLevel)
    {
        var errstr = new byte[512];
        var conf = rd_kafka_conf_new();
        if (rd_kafka_conf_set(conf, "log_level", logLevel.ToString(CultureInfo.InvariantCulture), errstr, (UIntPtr)errstr.Length) != 0)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_conf_set failed: {ErrorText(errstr)}");
        }

        // rd_kafka_new takes ownership of conf on success only.
        var handle = rd_kafka_new(ProducerType, conf, errstr, (UIntPtr)errstr.Length);
        if (handle == IntPtr.Zero)
        {
            rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException($"rd_kafka_new failed: {ErrorText(errstr)}");
        }

        return handle;
    }
}
