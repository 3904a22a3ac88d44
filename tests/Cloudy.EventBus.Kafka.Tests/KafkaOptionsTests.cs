using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>Configuration binding and the durability settings derived from it (no broker needed).</summary>
public sealed class KafkaOptionsTests
{
    [Fact]
    public void AddKafkaEventBus_KafkaSection_BindsConnectionAndSecuritySettings()
    {
        var options = Bind(new()
        {
            ["Kafka:BootstrapServers"] = "broker-1:9093,broker-2:9093",
            ["Kafka:SecurityProtocol"] = "SaslSsl",
            ["Kafka:SaslMechanism"] = "ScramSha512",
            ["Kafka:SaslUsername"] = "identity",
            ["Kafka:SaslPassword"] = "secret",
            ["Kafka:SslCaLocation"] = "/etc/kafka/ca.pem",
            ["Kafka:Settings:socket.keepalive.enable"] = "true",
            ["Kafka:MaxAttempts"] = "7",
        });

        var config = options.ToProducerConfig();

        Assert.Equal("broker-1:9093,broker-2:9093", config.BootstrapServers);
        Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
        Assert.Equal(SaslMechanism.ScramSha512, config.SaslMechanism);
        Assert.Equal("identity", config.SaslUsername);
        Assert.Equal("/etc/kafka/ca.pem", config.SslCaLocation);
        Assert.Equal("true", config.Get("socket.keepalive.enable"));
        Assert.Equal(7, options.RetryPolicy.MaxAttempts);
    }

    [Fact]
    public void ToProducerConfig_Always_IdempotentWithAcksAll()
    {
        var config = new KafkaOptions { BootstrapServers = "b:9092" }.ToProducerConfig();

        Assert.True(config.EnableIdempotence);
        Assert.Equal(Acks.All, config.Acks);
    }

    [Fact]
    public void ToConsumerConfig_Always_StoresOffsetsOnlyExplicitlyWithCooperativeSticky()
    {
        var config = new KafkaOptions { BootstrapServers = "b:9092" }.ToConsumerConfig("delivery");

        Assert.Equal("delivery", config.GroupId);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.True(config.EnableAutoCommit);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal(AutoOffsetReset.Earliest, config.AutoOffsetReset);
    }

    [Fact]
    public void ToClientConfigs_Defaults_FetchWait100MsLinger1MsAndNagleOff()
    {
        var options = new KafkaOptions { BootstrapServers = "b:9092" };

        var consumer = options.ToConsumerConfig("delivery");
        var producer = options.ToProducerConfig();

        Assert.Equal(100, consumer.FetchWaitMaxMs);
        Assert.Equal(1, producer.LingerMs);
        Assert.True(consumer.SocketNagleDisable);
        Assert.True(producer.SocketNagleDisable);
    }

    [Fact]
    public void AddKafkaEventBus_LatencyAndConcurrencyKeys_BindToClientSettings()
    {
        var options = Bind(new()
        {
            ["Kafka:BootstrapServers"] = "b:9092",
            ["Kafka:FetchWaitMax"] = "00:00:00.010",
            ["Kafka:Linger"] = "00:00:00.000",
            ["Kafka:MaxConcurrency"] = "8",
            ["Kafka:MaxInFlight"] = "64",
            ["Kafka:Settings:socket.nagle.disable"] = "false",
        });

        Assert.Equal(10, options.ToConsumerConfig("g").FetchWaitMaxMs);
        Assert.Equal(0, options.ToProducerConfig().LingerMs);
        Assert.Equal(8, options.MaxConcurrency);
        Assert.Equal(64, options.MaxInFlight);
        // An explicit librdkafka setting wins over the adapter's default.
        Assert.False(options.ToProducerConfig().SocketNagleDisable);
    }

    [Theory]
    [InlineData("Kafka:MaxConcurrency")]
    [InlineData("Kafka:MaxInFlight")]
    public void AddKafkaEventBus_ConcurrencyBoundZero_FailsValidation(string key)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Kafka:BootstrapServers"] = "b:9092", [key] = "0" }));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void AddKafkaEventBus_NoBootstrapServers_FailsValidation()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddKafkaEventBus(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<KafkaOptions>>().Value);
        Assert.Contains("BootstrapServers", error.Message);
    }

    private static KafkaOptions Bind(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddKafkaEventBus(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<KafkaOptions>>().Value;
    }
}
