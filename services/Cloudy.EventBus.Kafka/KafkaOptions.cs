using Confluent.Kafka;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// Kafka settings, bound from configuration section <c>Kafka</c> (env vars <c>Kafka__BootstrapServers</c>, ...).
/// Security settings pass straight through to librdkafka; <see cref="Settings"/> carries any other
/// librdkafka property by its native name.
/// </summary>
public sealed record KafkaOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Kafka";

    /// <summary>Comma-separated <c>host:port</c> list. Required.</summary>
    public string BootstrapServers { get; init; } = "";

    /// <summary>Client id reported to brokers (defaults to the entry assembly name).</summary>
    public string? ClientId { get; init; }

    /// <summary><c>Plaintext</c>, <c>Ssl</c>, <c>SaslPlaintext</c> or <c>SaslSsl</c>.</summary>
    public SecurityProtocol? SecurityProtocol { get; init; }

    /// <summary>SASL mechanism, e.g. <c>ScramSha512</c> or <c>Plain</c>.</summary>
    public SaslMechanism? SaslMechanism { get; init; }

    /// <summary>SASL user name.</summary>
    public string? SaslUsername { get; init; }

    /// <summary>SASL password (from a secret; never logged).</summary>
    public string? SaslPassword { get; init; }

    /// <summary>CA bundle used to verify the brokers' certificates.</summary>
    public string? SslCaLocation { get; init; }

    /// <summary>Client certificate for mutual TLS.</summary>
    public string? SslCertificateLocation { get; init; }

    /// <summary>Client private key for mutual TLS.</summary>
    public string? SslKeyLocation { get; init; }

    /// <summary>Password of <see cref="SslKeyLocation"/>.</summary>
    public string? SslKeyPassword { get; init; }

    /// <summary>Further librdkafka properties by native name (e.g. <c>socket.keepalive.enable</c>).</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    /// <summary>How long a publish may wait for acks=all before it fails (librdkafka <c>message.timeout.ms</c>).</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Handler attempts per event before it goes to the dead-letter topic.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Wait after the first handler failure; doubles each retry.</summary>
    public TimeSpan RetryInitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of one retry wait.</summary>
    public TimeSpan RetryMaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Consumer-group session timeout (<c>session.timeout.ms</c>; heartbeats every third of it). Null keeps
    /// librdkafka's 45 s. Short values suit the mock cluster, which after a member leaves waits this long
    /// (minus 1 s) before it assigns the partitions again.
    /// </summary>
    public TimeSpan? SessionTimeout { get; init; }

    /// <summary>
    /// Records of one consumer (one group on one topic) handled at the same time. Records of one key always run
    /// one at a time and in order (<see cref="KafkaTopicConsumer"/>); this bounds how many keys run at once.
    /// Handlers wait on I/O (store round trips), so a key's turn takes far longer than its CPU; the bound is
    /// set well above the number of busy keys a node sees, and 1 handles every record strictly one after another.
    /// </summary>
    public int MaxConcurrency { get; init; } = 256;

    /// <summary>
    /// Records one consumer has taken from Kafka but not yet finished; polling pauses at this bound, so a slow
    /// handler holds back the consumer instead of filling memory.
    /// </summary>
    public int MaxInFlight { get; init; } = 1000;

    /// <summary>
    /// How long a fetch may wait on the broker for new records (librdkafka <c>fetch.wait.max.ms</c>, default 500 ms).
    /// A real broker answers as soon as a record arrives, so this only bounds idle fetches; librdkafka's mock
    /// cluster (the broker test double) always waits the full time on an empty fetch, so it adds up to this
    /// much latency there.
    /// </summary>
    public TimeSpan FetchWaitMax { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long the producer waits to fill a batch (librdkafka <c>linger.ms</c>, default 5 ms). Every publish
    /// waits for its ack, so this is added to each send's latency at low rates; at high rates requests queue
    /// behind the in-flight ones and batch anyway.
    /// </summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Metadata timeout of the readiness check.</summary>
    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The retry policy these options describe.</summary>
    public EventRetryPolicy RetryPolicy => new()
    {
        MaxAttempts = MaxAttempts,
        InitialBackoff = RetryInitialBackoff,
        MaxBackoff = RetryMaxBackoff,
    };

    /// <summary>Connection and security settings shared by producer, consumers and admin client.</summary>
    public ClientConfig ToClientConfig()
    {
        var config = new ClientConfig(new Dictionary<string, string>(Settings, StringComparer.Ordinal))
        {
            BootstrapServers = BootstrapServers,
            ClientId = ClientId ?? System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name ?? "cloudy",
        };
        // Requests are small and latency-bound (every publish awaits its ack): do not let Nagle hold them back.
        config.SocketNagleDisable ??= true;
        // Only explicit values override Settings; nulls leave librdkafka's defaults in place.
        if (SecurityProtocol is { } protocol) config.SecurityProtocol = protocol;
        if (SaslMechanism is { } mechanism) config.SaslMechanism = mechanism;
        if (SaslUsername is not null) config.SaslUsername = SaslUsername;
        if (SaslPassword is not null) config.SaslPassword = SaslPassword;
        if (SslCaLocation is not null) config.SslCaLocation = SslCaLocation;
        if (SslCertificateLocation is not null) config.SslCertificateLocation = SslCertificateLocation;
        if (SslKeyLocation is not null) config.SslKeyLocation = SslKeyLocation;
        if (SslKeyPassword is not null) config.SslKeyPassword = SslKeyPassword;
        return config;
    }

    /// <summary>The one idempotent producer: acks=all, retries without duplicates or reordering.</summary>
    public ProducerConfig ToProducerConfig() => new(ToClientConfig())
    {
        EnableIdempotence = true,
        Acks = Acks.All,
        MessageTimeoutMs = (int)DeliveryTimeout.TotalMilliseconds,
        LingerMs = Linger.TotalMilliseconds,
    };

    /// <summary>
    /// A group consumer: cooperative-sticky assignment, offsets stored by us only after the handler
    /// succeeded and committed in the background (auto-commit of <em>stored</em> offsets), new groups
    /// start at the earliest record so nothing published before the first deploy is missed.
    /// </summary>
    public ConsumerConfig ToConsumerConfig(string group)
    {
        var config = new ConsumerConfig(ToClientConfig())
        {
            GroupId = group,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            EnableAutoOffsetStore = false,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = 1000,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = (int)Math.Max(1, FetchWaitMax.TotalMilliseconds),
            // Retries sleep inside the poll loop; keep the poll deadline well above the worst case.
            MaxPollIntervalMs = (int)Math.Max(300_000, RetryPolicy.WorstCaseBackoff.TotalMilliseconds * 4),
        };
        if (SessionTimeout is { } session)
        {
            config.SessionTimeoutMs = (int)session.TotalMilliseconds;
            config.HeartbeatIntervalMs = (int)Math.Max(100, session.TotalMilliseconds / 3);
        }

        return config;
    }
}
