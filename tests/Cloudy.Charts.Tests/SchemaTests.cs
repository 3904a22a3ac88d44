using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Cloudy.Charts.Tests;

/// <summary>values.schema.json rejects bad values and describes every value the chart ships.</summary>
public sealed class SchemaTests
{
    [HelmTheory]
    [InlineData("delivery.replicaCount=-1", "/delivery/replicaCount")]
    [InlineData("kafka.topicDefaults.replicas=0", "/kafka/topicDefaults/replicas")]
    [InlineData("gateway.image.tag=latest", "/gateway/image/tag")]
    [InlineData("kafka.securityProtocol=SSL_PLAIN", "/kafka/securityProtocol")]
    [InlineData("identity.serviceType=LoadBalancer", "/identity")]
    [InlineData("replicas=3", "additional properties 'replicas'")]
    public void Template_BadValue_IsRejectedBySchema(string set, string reported)
    {
        var template = Helm.Template([], set);
        var lint = Helm.Run("lint", "--strict", Helm.ChartDir, "--set", set);

        Assert.NotEqual(0, template.ExitCode);
        Assert.Contains("values don't meet the specifications of the schema", template.Output, StringComparison.Ordinal);
        Assert.Contains(reported, template.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, lint.ExitCode);
    }

    [HelmTheory]
    [InlineData("kafka.topics.envelopes.retentionMs=604800000", "at least 2592000000")]
    [InlineData("kafka.topicDefaults.minInsyncReplicas=4", "cannot exceed replicas")]
    [InlineData("signingKey.generate=false", "set existingSecret, or generate: true")]
    [InlineData("store.auth.existingSecret=", "store.auth.existingSecret is required")]
    public void Template_InconsistentValues_FailWithReason(string set, string reason)
    {
        var result = Helm.Template([], set);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(reason, result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("values.yaml")]
    [InlineData("values-production.yaml")]
    [InlineData("values-dapr.yaml")]
    public void Schema_DescribesEveryValue(string valuesFile)
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Helm.ChartDir, "values.schema.json")))!.AsObject();
        var values = new DeserializerBuilder().Build().Deserialize<object>(File.ReadAllText(Path.Combine(Helm.ChartDir, valuesFile)));
        var undescribed = new List<string>();

        Walk(schema, schema, values, "", undescribed);

        Assert.Empty(undescribed);
    }

    // Every mapping key must be a declared property, unless the schema deliberately takes free-form objects
    // (Kubernetes types such as securityContext or tolerations, or string maps such as annotations).
    private static void Walk(JsonObject root, JsonObject schema, object? value, string path, List<string> undescribed)
    {
        if (schema["$ref"] is { } reference)
        {
            var name = reference.GetValue<string>().Split('/')[^1];
            schema = root["definitions"]![name]!.AsObject();
        }

        if (value is IDictionary<object, object?> map)
        {
            var properties = schema["properties"]?.AsObject();
            foreach (var (key, child) in map)
            {
                var childPath = $"{path}/{key}";
                if (properties?[key.ToString()!] is JsonObject childSchema)
                {
                    Walk(root, childSchema, child, childPath, undescribed);
                }
                else if (schema["additionalProperties"] is JsonObject additional)
                {
                    Walk(root, additional, child, childPath, undescribed);
                }
                else if (properties is not null || schema["additionalProperties"]?.GetValue<bool>() == false)
                {
                    undescribed.Add(childPath);
                }
            }
        }
        else if (value is IList<object?> list && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < list.Count; i++)
            {
                Walk(root, items, list[i], $"{path}/{i}", undescribed);
            }
        }
    }
}
