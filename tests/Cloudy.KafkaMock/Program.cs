using Cloudy.KafkaMock;

// A Kafka broker TEST DOUBLE (librdkafka's mock cluster) for tests and `make run-platform`. See README.md.
var arguments = ToolArguments.Parse(args, out var error);
if (arguments is null)
{
    (error is null ? Console.Out : Console.Error).WriteLine(error is null ? ToolArguments.Usage : $"{error}\n\n{ToolArguments.Usage}");
    return error is null ? 0 : 2;
}

using var stop = new ToolShutdown(arguments.Stdin);
using var cluster = MockKafkaCluster.Start(arguments.Cluster);
if (arguments.BootstrapFile is { } file)
{
    ToolShutdown.WriteAtomically(file, cluster.BootstrapServers + "\n");
}

Console.Error.WriteLine($"Kafka mock cluster (broker test double): {arguments.Cluster.Brokers} broker(s), topics: {string.Join(", ", arguments.Cluster.EffectiveTopics)}");
Console.Out.WriteLine($"BOOTSTRAP={cluster.BootstrapServers}");
Console.Out.Flush();
stop.Wait();
Console.Error.WriteLine($"Stopping Kafka mock cluster ({stop.Reason}).");
return 0;
