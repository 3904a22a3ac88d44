using static Cloudy.Charts.Tests.Manifests;

namespace Cloudy.Charts.Tests;

/// <summary>dapr.enabled: sidecar annotations everywhere, a scoped pubsub.kafka Component, resiliency, tokens from Secrets.</summary>
public sealed class DaprModeTests
{
    [HelmFact]
    public void Render_DaprMode_AnnotatesEveryPod()
    {
        foreach (var deployment in Rendered("dapr").OfKind("Deployment"))
        {
            var annotations = deployment["spec"]!["template"]!["metadata"]!["annotations"]!;
            var component = Str(deployment["metadata"]!["labels"]!["app.kubernetes.io/component"]);
            Assert.Equal("true", Str(annotations["dapr.io/enabled"]));
            Assert.Equal(component, Str(annotations["dapr.io/app-id"]));
            Assert.Equal("8080", Str(annotations["dapr.io/app-port"]));
            Assert.Equal("cloudy-dapr", Str(annotations["dapr.io/config"]));
        }
    }

    [HelmFact]
    public void Render_DefaultMode_HasNoDaprObjectsOrAnnotations()
    {
        var manifests = Rendered("default");

        Assert.Empty(manifests.OfKind("Component"));
        Assert.All(manifests.OfKind("Deployment"), d => Assert.Null(d["spec"]!["template"]!["metadata"]!["annotations"]!["dapr.io/enabled"]));
    }

    [HelmFact]
    public void Render_DaprMode_PubSubComponentIsKafkaScopedToBusUsers()
    {
        var component = Rendered("dapr").Single("Component", "cloudy-pubsub");

        Assert.Equal("pubsub.kafka", Str(component["spec"]!["type"]));
        Assert.Equal(["delivery", "identity", "key-directory", "presence"], component["scopes"]!.AsArray().Select(Str));
        var metadata = Items(component["spec"]!["metadata"]).ToDictionary(m => Str(m["name"])!);
        Assert.Equal("{appID}", Str(metadata["consumerGroup"]["value"]));
        Assert.Equal("cloudy-kafka-kafka-bootstrap.cloudy.svc:9093", Str(metadata["brokers"]["value"]));
        Assert.Equal("cloudy", Str(metadata["saslPassword"]["secretKeyRef"]!["name"]));
        Assert.Null(metadata["saslPassword"]["value"]);
        Assert.Equal("SHA-512", Str(metadata["saslMechanism"]["value"]));
    }

    [HelmFact]
    public void Render_DaprMode_ResiliencyRetriesInboundDeliveries()
    {
        var resiliency = Assert.Single(Rendered("dapr").OfKind("Resiliency"));

        Assert.Equal("pubsubRetry", Str(resiliency["spec"]!["targets"]!["components"]!["cloudy-pubsub"]!["inbound"]!["retry"]));
        Assert.Equal("5", Str(resiliency["spec"]!["policies"]!["retries"]!["pubsubRetry"]!["maxRetries"]));
    }

    [HelmFact]
    public void Render_DaprMode_AppTokensComeFromSecrets()
    {
        var deployment = Rendered("dapr").Single("Deployment", ComponentName("delivery"));
        var annotations = deployment["spec"]!["template"]!["metadata"]!["annotations"]!;
        var env = Items(Assert.Single(Items(deployment["spec"]!["template"]!["spec"]!["containers"]))["env"]).ToList();

        Assert.Equal("cloudy-dapr-app-token", Str(annotations["dapr.io/app-token-secret"]));
        Assert.Equal("cloudy-dapr-app-token", Str(Assert.Single(env, e => Str(e["name"]) == "APP_API_TOKEN")["valueFrom"]!["secretKeyRef"]!["name"]));
        Assert.Equal("cloudy-dapr-api-token", Str(Assert.Single(env, e => Str(e["name"]) == "DAPR_API_TOKEN")["valueFrom"]!["secretKeyRef"]!["name"]));
        Assert.DoesNotContain(env, e => Str(e["name"]) == "Kafka__SaslPassword");
    }
}
