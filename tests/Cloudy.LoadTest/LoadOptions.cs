using System.Globalization;

namespace Cloudy.LoadTest;

/// <summary>Command-line options of <c>cloudy-load</c>; every loop is bounded by a count and a time.</summary>
internal sealed record LoadOptions
{
    /// <summary>Scenario names.</summary>
    public static readonly string[] Scenarios = ["steady", "ramp", "connections", "offline-burst"];

    public string Scenario { get; init; } = "steady";
    public string Url { get; init; } = "http://127.0.0.1:8080";
    public int Devices { get; init; } = 100;
    public double Rate { get; init; } = 1000;
    public double DurationSeconds { get; init; } = 10;
    public int PayloadBytes { get; init; } = 240;
    public int MaxInFlight { get; init; } = 256;
    public int Senders { get; init; } = 1;
    public int MaxMessages { get; init; } = 2_000_000;
    public double DrainTimeoutSeconds { get; init; } = 30;
    public string OutputDirectory { get; init; } = Path.Combine(".cache", "load");
    public string? Name { get; init; }
    public IReadOnlyList<int> ServerPids { get; init; } = [];
    public bool FindServer { get; init; } = true;
    public bool Protocol { get; init; }
    public int SourceAddresses { get; init; } = 1;
    public int Connections { get; init; } = 5000;
    public int ConnectConcurrency { get; init; } = 64;
    public int RegisterConcurrency { get; init; } = 32;
    public double HoldSeconds { get; init; } = 10;
    public double WarmupSeconds { get; init; } = 3;
    public double SettleSeconds { get; init; }
    public int Messages { get; init; } = 20_000;
    public double P99BoundMs { get; init; } = 100;
    public double RampStart { get; init; } = 250;
    public double RampFactor { get; init; } = 1.5;
    public double StepSeconds { get; init; } = 5;
    public int MaxSteps { get; init; } = 12;
    public double SampleIntervalSeconds { get; init; } = 1;
    public double SetupTimeoutSeconds { get; init; } = 600;

    /// <summary>Usage text.</summary>
    public const string Usage = """
        cloudy-load <steady|ramp|connections|offline-burst> [options]   (targets loopback only)
          --url URL                 gateway or embedded host (http://127.0.0.1:8080)
          --devices N               virtual devices, in sender/receiver pairs (100; offline-burst 20)
          --rate R                  total sends per second (steady 1000; offline-burst 2000)
          --duration S              sending time in seconds (10)
          --payload-bytes B         opaque ciphertext size (240, like a short Signal message)
          --protocol                real Cloudy.Protocol sessions (keys uploaded, PQXDH + Double Ratchet): the payload
                                    travels base64url inside an end-to-end encrypted text; costs client CPU too
          --max-in-flight N         concurrent send requests (256)
          --senders N               send loops sharing the schedule (1); more spread request writing over cores at high rates
          --max-messages N          hard cap on messages tracked (2000000)
          --warmup S                steady/ramp: send at the (first) rate for S seconds before measuring, excluded (3):
                                    a cold server (JIT, tiered compilation, pools) otherwise shows in the first second
          --drain-timeout S         wait for outstanding deliveries after sending (30); still missing then = lost
          --messages M              offline-burst: messages queued while recipients are offline (20000)
          --settle S                offline-burst: wait S seconds after queueing before recipients connect (0), so the
                                    server's pipeline has written every mailbox and the drain measures mailbox reads only
          --connections C           connections: idle devices to open (5000)
          --connect-concurrency N   connections: parallel connects (64)
          --register-concurrency N  parallel registrations + logins (32)
          --hold S                  connections: seconds to hold them open (10)
          --source-addresses K      spread client sockets over K addresses 127.10.x.y (1; connections: ceil(C/20000)+)
          --p99-bound MS            ramp: p99 bound (100)
          --ramp-start R --ramp-factor F --step-seconds S --max-steps N   ramp schedule (250, 1.5, 5, 12)
          --server-pid PID          server process to sample (repeatable); default: the listener on the URL's port
          --no-find-server          do not look up the listener's PID
          --sample-interval S       /proc sampling interval (1)
          --out DIR                 output directory (.cache/load)
          --name NAME               file name stem (<scenario>-<utc time>)
        """;

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a readable message on bad input.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || !Scenarios.Contains(args[0]))
        {
            throw new ArgumentException($"First argument must be a scenario: {string.Join(", ", Scenarios)}.");
        }

        var o = new LoadOptions { Scenario = args[0] };
        o = o.Scenario switch
        {
            "offline-burst" => o with { Devices = 20, Rate = 2000 },
            "ramp" => o with { Devices = 100 },
            _ => o,
        };
        var pids = new List<int>();
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "--no-find-server" or "--protocol")
            {
                o = name == "--protocol" ? o with { Protocol = true } : o with { FindServer = false };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option {name} needs a value.");
            }

            var v = args[++i];
            o = name switch
            {
                "--url" => o with { Url = v },
                "--devices" => o with { Devices = Int(name, v, 2, 1_000_000) },
                "--rate" => o with { Rate = Num(name, v, 0.1, 1_000_000) },
                "--duration" => o with { DurationSeconds = Num(name, v, 0.1, 24 * 3600) },
                "--payload-bytes" => o with { PayloadBytes = Int(name, v, Metrics.Payload.HeaderBytes, 96 * 1024) },
                "--max-in-flight" => o with { MaxInFlight = Int(name, v, 1, 100_000) },
                "--senders" => o with { Senders = Int(name, v, 1, 64) },
                "--max-messages" => o with { MaxMessages = Int(name, v, 1, 50_000_000) },
                "--drain-timeout" => o with { DrainTimeoutSeconds = Num(name, v, 0, 3600) },
                "--messages" => o with { Messages = Int(name, v, 1, 50_000_000) },
                "--connections" => o with { Connections = Int(name, v, 1, 2_000_000) },
                "--connect-concurrency" => o with { ConnectConcurrency = Int(name, v, 1, 10_000) },
                "--register-concurrency" => o with { RegisterConcurrency = Int(name, v, 1, 10_000) },
                "--warmup" => o with { WarmupSeconds = Num(name, v, 0, 600) },
                "--hold" => o with { HoldSeconds = Num(name, v, 0, 24 * 3600) },
                "--settle" => o with { SettleSeconds = Num(name, v, 0, 3600) },
                "--source-addresses" => o with { SourceAddresses = Int(name, v, 1, 250 * 250) },
                "--p99-bound" => o with { P99BoundMs = Num(name, v, 0.01, 100_000) },
                "--ramp-start" => o with { RampStart = Num(name, v, 0.1, 1_000_000) },
                "--ramp-factor" => o with { RampFactor = Num(name, v, 1.01, 100) },
                "--step-seconds" => o with { StepSeconds = Num(name, v, 0.5, 3600) },
                "--max-steps" => o with { MaxSteps = Int(name, v, 1, 1000) },
                "--sample-interval" => o with { SampleIntervalSeconds = Num(name, v, 0.05, 60) },
                "--setup-timeout" => o with { SetupTimeoutSeconds = Num(name, v, 1, 24 * 3600) },
                "--out" => o with { OutputDirectory = v },
                "--name" => o with { Name = v },
                "--server-pid" => AddPid(o, pids, name, v),
                _ => throw new ArgumentException($"Unknown option {name}."),
            };
        }

        Net.LoopbackGuard.Resolve(o.Url); // refuse non-loopback targets up front
        if (o.Scenario == "connections" && !args.Contains("--source-addresses"))
        {
            o = o with { SourceAddresses = Math.Max(4, (o.Connections / 20_000) + 1) };
        }

        return o with { ServerPids = pids };
    }

    private static LoadOptions AddPid(LoadOptions o, List<int> pids, string name, string v)
    {
        pids.Add(Int(name, v, 1, int.MaxValue));
        return o;
    }

    private static int Int(string name, string v, int min, int max) =>
        int.TryParse(v.Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be an integer in [{min}, {max}], got '{v}'.");

    private static double Num(string name, string v, double min, double max) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a number in [{min}, {max}], got '{v}'.");
}
