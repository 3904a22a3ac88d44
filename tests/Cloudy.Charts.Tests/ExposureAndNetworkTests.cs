using System.Text.Json.Nodes;
using static Cloudy.Charts.Tests.Manifests;

namespace Cloudy.Charts.Tests;

/// <summary>Only the gateway is reachable from outside; NetworkPolicies confine every component.</summary>
public sealed class ExposureAndNetworkTests
{
    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_OnlyGatewayIsExposed(string valueSet)
    {
        var manifests = Rendered(valueSet);

        Assert.All(manifests.OfKind("Service"), s => Assert.Equal("ClusterIP", Str(s["spec"]!["type"])));
        var backends = manifests.OfKind("Ingress")
            .SelectMany(i => Items(i["spec"]!["rules"]))
            .SelectMany(r => Items(r["http"]!["paths"]))
            .Select(p => Str(p["backend"]!["service"]!["name"]))
            .Concat(manifests.OfKind("HTTPRoute").SelectMany(r => Items(r["spec"]!["rules"])).SelectMany(r => Items(r["backendRefs"])).Select(b => Str(b["name"])))
            .ToList();
        Assert.NotEmpty(backends);
        Assert.All(backends, b => Assert.Equal(ComponentName("gateway"), b));
    }

    [HelmFact]
    public void Render_Ingress_KeepsWebSocketsOpen()
    {
        var annotations = Assert.Single(Rendered("default").OfKind("Ingress"))["metadata"]!["annotations"]!;

        Assert.True(int.Parse(Str(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"])!, System.Globalization.CultureInfo.InvariantCulture) >= 3600);
        Assert.True(int.Parse(Str(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"])!, System.Globalization.CultureInfo.InvariantCulture) >= 3600);
    }

    [HelmFact]
    public void Render_HttpRouteInsteadOfIngress_RoutesToGatewayWithStreamTimeouts()
    {
        var result = Helm.Template([], "ingress.enabled=false", "httpRoute.enabled=true");
        Assert.True(result.ExitCode == 0, result.Output);
        var manifests = Parse(result.StandardOutput);

        Assert.Empty(manifests.OfKind("Ingress"));
        var rule = Assert.Single(Items(Assert.Single(manifests.OfKind("HTTPRoute"))["spec"]!["rules"]));
        Assert.Equal(ComponentName("gateway"), Str(Assert.Single(Items(rule["backendRefs"]))["name"]));
        Assert.Equal("3600s", Str(rule["timeouts"]!["request"]));
        Assert.Equal("3600s", Str(rule["timeouts"]!["backendRequest"]));
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_ServicesAcceptTrafficOnlyFromGateway(string valueSet)
    {
        var manifests = Rendered(valueSet);
        var jwksClients = new[] { "key-directory", "delivery", "presence" };

        foreach (var component in Components.Where(c => c != "gateway"))
        {
            var policy = manifests.Single("NetworkPolicy", ComponentName(component));
            Assert.Equal(["Ingress", "Egress"], policy["spec"]!["policyTypes"]!.AsArray().Select(Str));
            var sources = Items(policy["spec"]!["ingress"])
                .Where(rule => rule["ports"] is null || Items(rule["ports"]).Any(p => Str(p["port"]) == "http"))
                .Where(rule => !IsExtraIngress(valueSet, rule))
                .SelectMany(rule => Items(rule["from"] ?? throw new Xunit.Sdk.XunitException($"{valueSet}/{component}: ingress open to everyone")))
                .Select(peer => Str(peer["podSelector"]?["matchLabels"]?["app.kubernetes.io/component"]))
                .ToHashSet();
            var expected = component == "identity" ? ["gateway", .. jwksClients] : new[] { "gateway" };
            Assert.Equal(expected.Order(), sources.Order());
        }
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_EgressLimitedToDependencies(string valueSet)
    {
        var manifests = Rendered(valueSet);
        var dependencyPorts = new HashSet<string> { "53", "9092", "9093", "6379", "4317", "4318", "8080" };

        foreach (var component in Components)
        {
            var rules = Items(manifests.Single("NetworkPolicy", ComponentName(component))["spec"]!["egress"]).ToList();
            Assert.Contains(rules, r => Items(r["ports"]).Any(p => Str(p["port"]) == "53" && Str(p["protocol"]) == "UDP"));
            foreach (var rule in rules)
            {
                if (rule["ports"] is null)
                {
                    // Only the Dapr control plane is reached on any port, and only in Dapr mode.
                    Assert.Equal("dapr", valueSet);
                    Assert.Equal("dapr-system", Str(Assert.Single(Items(rule["to"]))["namespaceSelector"]!["matchLabels"]!["kubernetes.io/metadata.name"]));
                    continue;
                }

                Assert.All(Items(rule["ports"]), p => Assert.Contains(Str(p["port"])!, dependencyPorts));
            }

            var kafka = rules.Any(r => Items(r["ports"]).Any(p => Str(p["port"]) == "9092"));
            var redis = rules.Any(r => Items(r["ports"]).Any(p => Str(p["port"]) == "6379"));
            Assert.Equal(component != "gateway", kafka);
            Assert.Equal(component != "gateway", redis);
        }
    }

    [HelmFact]
    public void Render_StrimziKafka_EgressOnlyToClusterPods()
    {
        var rules = Items(Rendered("default").Single("NetworkPolicy", ComponentName("delivery"))["spec"]!["egress"]);

        var kafka = Assert.Single(rules, r => Items(r["ports"]).Any(p => Str(p["port"]) == "9092"));
        Assert.Equal("cloudy-kafka", Str(Assert.Single(Items(kafka["to"]))["podSelector"]!["matchLabels"]!["strimzi.io/cluster"]));
    }

    [HelmFact]
    public void Render_GatewayIngressRestricted_StillAdmitsHelmTestPod()
    {
        var policy = Rendered("production").Single("NetworkPolicy", ComponentName("gateway"));
        var peers = Items(policy["spec"]!["ingress"]).SelectMany(r => Items(r["from"])).ToList();
        var testPod = Assert.Single(Rendered("production").OfKind("Pod"));

        Assert.Contains(peers, p => Str(p["namespaceSelector"]?["matchLabels"]?["kubernetes.io/metadata.name"]) == "ingress-nginx");
        Assert.Contains(peers, p => Str(p["podSelector"]?["matchLabels"]?["app.kubernetes.io/component"]) == Str(testPod["metadata"]!["labels"]!["app.kubernetes.io/component"]));
    }

    // values-production.yaml lets the monitoring namespace scrape every component (networkPolicy.extraIngress).
    private static bool IsExtraIngress(string valueSet, JsonObject rule) =>
        valueSet == "production" && Items(rule["from"]).Any(p => p["namespaceSelector"] is not null);
}
