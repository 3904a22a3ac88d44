using static Cloudy.Charts.Tests.Manifests;

namespace Cloudy.Charts.Tests;

/// <summary>Kafka topics, secrets and the per-component configuration the services read.</summary>
public sealed class KafkaAndConfigTests
{
    private static readonly string[] _topics = ["cloudy.identity.v1", "cloudy.keys.v1", "cloudy.envelopes.v1", "cloudy.connections.v1", "cloudy.presence.v1"];

    [HelmFact]
    public void Render_Strimzi_EveryTopicAndDeadLetterTopicIsReplicated()
    {
        var topics = Rendered("production").OfKind("KafkaTopic").ToList();

        Assert.Equal(_topics.SelectMany(t => new[] { t, t + ".dlq" }).Order(), topics.Select(t => Str(t["spec"]!["topicName"])).Order());
        foreach (var topic in topics)
        {
            Assert.Equal("cloudy-kafka", Str(topic["metadata"]!["labels"]!["strimzi.io/cluster"]));
            Assert.Equal("kafka", Str(topic["metadata"]!["namespace"]));
            Assert.Equal("3", Str(topic["spec"]!["replicas"]));
            Assert.Equal("2", Str(topic["spec"]!["config"]!["min.insync.replicas"]));
            Assert.True(int.Parse(Str(topic["spec"]!["partitions"])!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
            Assert.Equal("keep", Str(topic["metadata"]!["annotations"]!["helm.sh/resource-policy"]));
        }
    }

    [HelmFact]
    public void Render_EnvelopesTopic_RetainsAtLeastTheMailboxTtl()
    {
        var envelopes = Assert.Single(Rendered("default").OfKind("KafkaTopic"), t => Str(t["spec"]!["topicName"]) == "cloudy.envelopes.v1");

        Assert.True(long.Parse(Str(envelopes["spec"]!["config"]!["retention.ms"])!, System.Globalization.CultureInfo.InvariantCulture) >= 30L * 24 * 3600 * 1000);
        Assert.Equal("24", Str(envelopes["spec"]!["partitions"]));
    }

    [HelmFact]
    public void Render_ExternalKafka_NoTopicsAndBootstrapFromValues()
    {
        var result = Helm.Template([], "kafka.strimzi.enabled=false", "kafka.bootstrapServers=kafka-0.example:9093");
        Assert.True(result.ExitCode == 0, result.Output);
        var manifests = Parse(result.StandardOutput);

        Assert.Empty(manifests.OfKind("KafkaTopic"));
        Assert.Equal("kafka-0.example:9093", Str(manifests.Single("ConfigMap", ComponentName("delivery"))["data"]!["Kafka__BootstrapServers"]));
    }

    [HelmFact]
    public void Render_ExternalKafkaWithoutBootstrap_Fails()
    {
        var result = Helm.Template([], "kafka.strimzi.enabled=false");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("kafka.bootstrapServers is required", result.Output, StringComparison.Ordinal);
    }

    [HelmFact]
    public void Render_SaslAndTls_PasswordFromSecretAndCaMounted()
    {
        var deployment = Rendered("production").Single("Deployment", ComponentName("delivery"));
        var container = Assert.Single(Items(deployment["spec"]!["template"]!["spec"]!["containers"]));
        var config = Rendered("production").Single("ConfigMap", ComponentName("delivery"))["data"]!;

        var password = Assert.Single(Items(container["env"]), e => Str(e["name"]) == "Kafka__SaslPassword");
        Assert.Equal("cloudy", Str(password["valueFrom"]!["secretKeyRef"]!["name"]));
        Assert.Equal("SaslSsl", Str(config["Kafka__SecurityProtocol"]));
        Assert.Equal("ScramSha512", Str(config["Kafka__SaslMechanism"]));
        Assert.Equal("/etc/cloudy/kafka-ca/ca.crt", Str(config["Kafka__SslCaLocation"]));
        Assert.Contains(Items(container["volumeMounts"]), m => Str(m["mountPath"]) == "/etc/cloudy/kafka-ca");
        Assert.Equal("cloudy-kafka-kafka-bootstrap.kafka.svc:9093", Str(config["Kafka__BootstrapServers"]));
    }

    [HelmTheory]
    [InlineData("default")]
    [InlineData("production")]
    [InlineData("dapr")]
    public void Render_Secrets_NeverInConfigMaps(string valueSet)
    {
        var manifests = Rendered(valueSet);

        foreach (var configMap in manifests.OfKind("ConfigMap"))
        {
            var text = configMap.ToJsonString();
            Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
            Assert.DoesNotContain("password=", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SaslPassword", text, StringComparison.Ordinal);
        }

        foreach (var component in Components.Where(c => c != "gateway"))
        {
            var container = Assert.Single(Items(manifests.Single("Deployment", ComponentName(component))["spec"]!["template"]!["spec"]!["containers"]));
            var redisPassword = Assert.Single(Items(container["env"]), e => Str(e["name"]) == "REDIS_PASSWORD");
            Assert.NotNull(redisPassword["valueFrom"]!["secretKeyRef"]);
            Assert.Contains("password=$(REDIS_PASSWORD)", Str(Assert.Single(Items(container["env"]), e => Str(e["name"]) == "Store__Connection")["value"]), StringComparison.Ordinal);
        }
    }

    [HelmTheory]
    [InlineData("default", "cloudy-signing-key")]
    [InlineData("production", "cloudy-signing-key")]
    public void Render_SigningKey_MountedFromSecretIntoIdentityOnly(string valueSet, string secretName)
    {
        var manifests = Rendered(valueSet);

        foreach (var component in Components)
        {
            var spec = manifests.Single("Deployment", ComponentName(component))["spec"]!["template"]!["spec"]!;
            var signing = Items(spec["volumes"]).Where(v => Str(v["secret"]?["secretName"]) == secretName).ToList();
            Assert.Equal(component == "identity" ? 1 : 0, signing.Count);
        }

        var identityConfig = manifests.Single("ConfigMap", ComponentName("identity"))["data"]!;
        Assert.Equal("/etc/cloudy/signing/signing-key.pem", Str(identityConfig["Auth__SigningKeyPath"]));
        // The chart generates the Secret only when no existing one is named.
        Assert.Equal(valueSet == "default", manifests.OfKind("Secret").Any(s => Name(s) == secretName));
    }

    [HelmFact]
    public void Render_GeneratedSigningKey_IsAnEcPrivateKeyKeptOnUninstall()
    {
        var secret = Rendered("default").Single("Secret", "cloudy-signing-key");

        var pem = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(Str(secret["data"]!["signing-key.pem"])!));
        using var ecdsa = System.Security.Cryptography.ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        Assert.Equal(256, ecdsa.KeySize);
        Assert.Equal("keep", Str(secret["metadata"]!["annotations"]!["helm.sh/resource-policy"]));
    }

    [HelmFact]
    public void Render_OtlpEndpoint_WiredIntoEveryComponent()
    {
        var manifests = Rendered("production");

        foreach (var component in Components)
        {
            var data = manifests.Single("ConfigMap", ComponentName(component))["data"]!;
            Assert.Equal("http://otel-collector.observability.svc:4317", Str(data["OTEL_EXPORTER_OTLP_ENDPOINT"]));
            Assert.Equal($"cloudy-{component}", Str(data["OTEL_SERVICE_NAME"]));
        }
    }

    [HelmFact]
    public void Render_Services_FetchJwksFromIdentityAndGatewayRoutesEveryCluster()
    {
        var manifests = Rendered("default");
        const string jwks = "http://cloudy-identity.cloudy.svc:80/.well-known/jwks.json";

        foreach (var component in new[] { "gateway", "key-directory", "delivery", "presence" })
        {
            Assert.Equal(jwks, Str(manifests.Single("ConfigMap", ComponentName(component))["data"]!["Auth__JwksUrl"]));
        }

        var gateway = manifests.Single("ConfigMap", ComponentName("gateway"))["data"]!;
        foreach (var (cluster, service) in new[] { ("identity", "identity"), ("keydirectory", "key-directory"), ("delivery", "delivery"), ("presence", "presence") })
        {
            Assert.Equal($"http://cloudy-{service}.cloudy.svc:80/", Str(gateway[$"ReverseProxy__Clusters__{cluster}__Destinations__d1__Address"]));
        }
    }

    [HelmTheory]
    [InlineData("default", "Kafka")]
    [InlineData("dapr", "Dapr")]
    public void Render_BusUsers_UseTheModesAdapter(string valueSet, string adapter)
    {
        var manifests = Rendered(valueSet);

        foreach (var component in Components.Where(c => c != "gateway"))
        {
            var data = manifests.Single("ConfigMap", ComponentName(component))["data"]!;
            Assert.Equal(adapter, Str(data["Bus__Adapter"]));
            Assert.Equal(adapter == "Kafka", data["Kafka__BootstrapServers"] is not null);
        }
    }
}
