using System.Diagnostics;
using Cloudy.Testing.Kafka;
using Confluent.Kafka;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>
/// The Cloudy.KafkaMock tool as a separate process: it hosts librdkafka's mock cluster (a broker test
/// double), prints its bootstrap address and stops cleanly.
/// </summary>
public sealed class KafkaMockToolTests
{
    private static readonly string _toolPath = Path.Combine(AppContext.BaseDirectory, "Cloudy.KafkaMock.dll");

    [Fact]
    public async Task Tool_Started_PrintsBootstrapServesTopicsAndExitsZeroWhenStdinCloses()
    {
        var file = Path.Combine(Path.GetTempPath(), $"kafka-bootstrap-{Guid.NewGuid():N}");
        using var tool = Start("--partitions", "2", "--topic", "tool.test.v1", "--bootstrap-file", file);
        try
        {
            var line = await tool.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(line);
            Assert.StartsWith("BOOTSTRAP=127.0.0.1:", line);
            var bootstrap = line["BOOTSTRAP=".Length..];
            Assert.Equal(bootstrap, (await File.ReadAllTextAsync(file)).Trim());

            await KafkaTopicReader.ProduceRawAsync(bootstrap, "tool.test.v1", "k", [1, 2, 3], []);
            var record = Assert.Single(KafkaTopicReader.Read(bootstrap, "tool.test.v1", 1, TimeSpan.FromSeconds(30), partitions: 2));
            Assert.Equal([1, 2, 3], record.Message.Value);
            Assert.Equal(2, PartitionCount(bootstrap, "tool.test.v1"));

            tool.StandardInput.Close();
            await tool.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(0, tool.ExitCode);
        }
        finally
        {
            if (!tool.HasExited)
            {
                tool.Kill();
            }

            File.Delete(file);
        }
    }

    [Fact]
    public async Task Tool_UnknownOption_ExitsTwoWithUsage()
    {
        using var tool = Start("--no-such-option", "1");

        var errors = await tool.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await tool.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(2, tool.ExitCode);
        Assert.Contains("broker TEST DOUBLE", errors);
    }

    private static int PartitionCount(string bootstrap, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics.Single().Partitions.Count;
    }

    private static Process Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(_toolPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start Cloudy.KafkaMock.");
    }
}
