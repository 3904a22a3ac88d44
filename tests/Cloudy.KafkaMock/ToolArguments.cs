using System.Globalization;

namespace Cloudy.KafkaMock;

/// <summary>When the tool treats end-of-file on standard input as "stop".</summary>
public enum StdinMode
{
    /// <summary>Only when stdin is a pipe or socket (a parent process holds the other end).</summary>
    Auto,

    /// <summary>Always stop on end-of-file.</summary>
    Always,

    /// <summary>Ignore stdin; stop on SIGINT/SIGTERM only.</summary>
    Never,
}

/// <summary>Parsed command line of the tool.</summary>
public sealed record ToolArguments(MockKafkaClusterOptions Cluster, string? BootstrapFile, StdinMode Stdin)
{
    /// <summary>Usage text printed by <c>--help</c> and on bad arguments.</summary>
    public const string Usage = """
        Cloudy.KafkaMock - hosts librdkafka's mock cluster, a Kafka broker TEST DOUBLE (in-memory, loopback only).
        Not a production broker: use it for tests and the local multi-process run.

        Options:
          --brokers N               mock brokers (default 1)
          --partitions N            partitions per pre-created topic (default 3)
          --topic NAME              topic to pre-create; repeatable (default: every platform topic and its .dlq)
          --rebalance-delay-ms N    group.initial.rebalance.delay.ms (default 100)
          --bootstrap-file PATH     also write the bootstrap list to PATH (written atomically)
          --stdin auto|always|never stop when stdin closes: auto = only if stdin is a pipe/socket (default)
          --log-level N             librdkafka log level 0-7 (default 3)
          --help

        Prints exactly one line on stdout once ready:  BOOTSTRAP=127.0.0.1:PORT[,...]
        Runs until SIGINT/SIGTERM (or stdin closes, see --stdin), then stops the cluster and exits 0.
        """;

    /// <summary>Parses <paramref name="args"/>; <c>null</c> with <paramref name="error"/> set when invalid or help.</summary>
    public static ToolArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        var cluster = new MockKafkaClusterOptions();
        var topics = new List<string>();
        string? bootstrapFile = null;
        var stdin = StdinMode.Auto;
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                return null;
            }

            if (i + 1 >= args.Count)
            {
                error = $"Missing value for {name}.";
                return null;
            }

            var value = args[++i];
            switch (name)
            {
                case "--brokers" when PositiveInt(value) is { } n: cluster = cluster with { Brokers = n }; break;
                case "--partitions" when PositiveInt(value) is { } n: cluster = cluster with { Partitions = n }; break;
                case "--rebalance-delay-ms" when PositiveInt(value, allowZero: true) is { } n:
                    cluster = cluster with { InitialRebalanceDelay = TimeSpan.FromMilliseconds(n) };
                    break;
                case "--log-level" when PositiveInt(value, allowZero: true) is { } n and <= 7: cluster = cluster with { LogLevel = n }; break;
                case "--topic" when !string.IsNullOrWhiteSpace(value): topics.Add(value); break;
                case "--bootstrap-file" when !string.IsNullOrWhiteSpace(value): bootstrapFile = value; break;
                case "--stdin" when Enum.TryParse<StdinMode>(value, ignoreCase: true, out var mode): stdin = mode; break;
                default:
                    error = $"Unknown option or bad value: {name} {value}";
                    return null;
            }
        }

        if (topics.Count > 0)
        {
            cluster = cluster with { Topics = topics };
        }

        return new ToolArguments(cluster, bootstrapFile, stdin);
    }

    private static int? PositiveInt(string text, bool allowZero = false) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && (n > 0 || (allowZero && n == 0)) ? n : null;
}
