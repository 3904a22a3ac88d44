using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Cloudy.Charts.Tests;

/// <summary>The names of <see cref="Manifests.ValueSets"/> as theory data.</summary>
public static class ValueSetData
{
    public static TheoryData<string> All => [.. Manifests.ValueSets.Keys];
}

/// <summary>Rendered manifests, parsed from helm's multi-document YAML into JSON nodes (scalars stay strings).</summary>
internal sealed class Manifests
{
    private static readonly ConcurrentDictionary<string, Manifests> _rendered = new();

    private Manifests(IReadOnlyList<JsonObject> objects) => Objects = objects;

    /// <summary>The example values sets the chart ships, by the name the tests use.</summary>
    public static IReadOnlyDictionary<string, string[]> ValueSets { get; } = new Dictionary<string, string[]>
    {
        ["default"] = [],
        ["production"] = ["values-production.yaml"],
        ["dapr"] = ["values-dapr.yaml"],
    };

    /// <summary>Components and their Kubernetes name suffixes.</summary>
    public static IReadOnlyList<string> Components { get; } = ["gateway", "identity", "key-directory", "delivery", "presence"];

    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>Renders (once per run) one of <see cref="ValueSets"/>.</summary>
    public static Manifests Rendered(string valueSet) => _rendered.GetOrAdd(valueSet, name =>
    {
        var result = Helm.Template(ValueSets[name]);
        Assert.True(result.ExitCode == 0, $"helm template ({name}) failed: {result.Output}");
        return Parse(result.StandardOutput);
    });

    public static Manifests Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var objects = new List<JsonObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (ToJson(deserializer.Deserialize<object?>(parser)) is JsonObject obj)
            {
                objects.Add(obj);
            }
        }

        return new Manifests(objects);
    }

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => Str(o["kind"]) == kind);

    public JsonObject Single(string kind, string name) =>
        Assert.Single(OfKind(kind), o => Str(o["metadata"]?["name"]) == name);

    /// <summary>Pod specs of every workload (Deployments and bare Pods such as the helm test).</summary>
    public IEnumerable<(string Owner, JsonObject Metadata, JsonObject Spec)> PodSpecs() =>
        OfKind("Deployment").Select(d => (Name(d), (JsonObject)d["spec"]!["template"]!["metadata"]!, (JsonObject)d["spec"]!["template"]!["spec"]!))
            .Concat(OfKind("Pod").Select(p => (Name(p), (JsonObject)p["metadata"]!, (JsonObject)p["spec"]!)));

    public static string Name(JsonNode? o) => Str(o?["metadata"]?["name"]) ?? "";

    public static string? Str(JsonNode? node) => node?.GetValue<string>();

    public static IEnumerable<JsonObject> Items(JsonNode? array) => array?.AsArray().OfType<JsonObject>() ?? [];

    public static string ComponentName(string component) => $"cloudy-{component}";

    private static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        IDictionary<object, object?> map => new JsonObject(map.Select(kv => KeyValuePair.Create(kv.Key.ToString()!, ToJson(kv.Value)))),
        IList<object?> list => new JsonArray([.. list.Select(ToJson)]),
        _ => JsonValue.Create(value.ToString()),
    };
}
