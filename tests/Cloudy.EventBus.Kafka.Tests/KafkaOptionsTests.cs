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
