using System.Text.Json.Nodes;
using static Cloudy.Charts.Tests.Manifests;

namespace Cloudy.Charts.Tests;

/// <summary>Every rendered workload is complete and hardened, for every shipped values set.</summary>
public sealed class WorkloadTests
{
    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_EveryComponent_HasItsObjects(string valueSet)
    {
        var manifests = Rendered(valueSet);

        foreach (var component in Components)
        {
            foreach (var kind in new[] { "Deployment", "Service", "ServiceAccount", "ConfigMap", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy" })
            {
                Assert.True(
                    manifests.OfKind(kind).Any(o => Name(o) == ComponentName(component)),
                    $"{valueSet}: no {kind} {ComponentName(component)}");
            }
        }
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_EveryContainer_HasRequestsAndLimits(string valueSet)
    {
        var containers = Rendered(valueSet).PodSpecs().SelectMany(p => Items(p.Spec["containers"]).Select(c => (p.Owner, c))).ToList();

        Assert.True(containers.Count >= Components.Count + 1, "expected every component plus the helm test pod");
        foreach (var (owner, container) in containers)
        {
            foreach (var section in new[] { "requests", "limits" })
            {
                Assert.False(string.IsNullOrEmpty(Str(container["resources"]?[section]?["cpu"])), $"{valueSet}/{owner}: no cpu {section}");
                Assert.False(string.IsNullOrEmpty(Str(container["resources"]?[section]?["memory"])), $"{valueSet}/{owner}: no memory {section}");
            }
        }
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_EveryServiceContainer_ProbesTheHealthEndpoints(string valueSet)
    {
        foreach (var deployment in Rendered(valueSet).OfKind("Deployment"))
        {
            var container = Assert.Single(Items(deployment["spec"]!["template"]!["spec"]!["containers"]));
            Assert.Equal("/health/live", Str(container["startupProbe"]?["httpGet"]?["path"]));
            Assert.Equal("/health/live", Str(container["livenessProbe"]?["httpGet"]?["path"]));
            Assert.Equal("/health/ready", Str(container["readinessProbe"]?["httpGet"]?["path"]));
            Assert.Equal("http", Str(container["readinessProbe"]?["httpGet"]?["port"]));
            Assert.Contains(Items(container["ports"]), p => Str(p["name"]) == "http" && Str(p["containerPort"]) == "8080");
        }
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_EveryPod_HasHardenedSecurityContext(string valueSet)
    {
        foreach (var (owner, _, spec) in Rendered(valueSet).PodSpecs())
        {
            var pod = spec["securityContext"];
            Assert.Equal("true", Str(pod?["runAsNonRoot"]));
            Assert.Equal("RuntimeDefault", Str(pod?["seccompProfile"]?["type"]));
            Assert.Equal("false", Str(spec["automountServiceAccountToken"]));
            foreach (var container in Items(spec["containers"]))
            {
                var sc = container["securityContext"];
                Assert.True(sc is not null, $"{valueSet}/{owner}: container without securityContext");
                Assert.Equal("true", Str(sc["runAsNonRoot"]));
                Assert.Equal("true", Str(sc["readOnlyRootFilesystem"]));
                Assert.Equal("false", Str(sc["allowPrivilegeEscalation"]));
                Assert.Equal("RuntimeDefault", Str(sc["seccompProfile"]?["type"]));
                Assert.Equal(["ALL"], sc["capabilities"]!["drop"]!.AsArray().Select(Str));
            }
        }
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_EveryServicePod_HasWritableTmpOnly(string valueSet)
    {
        foreach (var deployment in Rendered(valueSet).OfKind("Deployment"))
        {
            var spec = deployment["spec"]!["template"]!["spec"]!;
            var container = Assert.Single(Items(spec["containers"]));
            var tmp = Assert.Single(Items(container["volumeMounts"]), m => Str(m["mountPath"]) == "/tmp");
            var volume = Assert.Single(Items(spec["volumes"]), v => Str(v["name"]) == Str(tmp["name"]));
            Assert.NotNull(volume["emptyDir"]);
            Assert.All(Items(container["volumeMounts"]).Where(m => Str(m["mountPath"]) != "/tmp"), m => Assert.Equal("true", Str(m["readOnly"])));
        }
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_EveryImage_HasPinnedTag(string valueSet)
    {
        var images = Rendered(valueSet).PodSpecs().SelectMany(p => Items(p.Spec["containers"])).Select(c => Str(c["image"])!).ToList();

        Assert.NotEmpty(images);
        foreach (var image in images)
        {
            var withoutDigest = image.Split('@')[0];
            var lastSegment = withoutDigest[(withoutDigest.LastIndexOf('/') + 1)..];
            Assert.True(lastSegment.Contains(':', StringComparison.Ordinal), $"{valueSet}: image {image} has no tag");
            var tag = lastSegment[(lastSegment.IndexOf(':', StringComparison.Ordinal) + 1)..];
            Assert.False(string.IsNullOrEmpty(tag) || tag == "latest", $"{valueSet}: image {image} is not pinned");
        }
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_ServiceAccounts_DoNotMountTokens(string valueSet)
    {
        var accounts = Rendered(valueSet).OfKind("ServiceAccount").ToList();

        Assert.Equal(Components.Count, accounts.Count);
        Assert.All(accounts, a => Assert.Equal("false", Str(a["automountServiceAccountToken"])));
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_Deployments_SpreadAcrossNodes(string valueSet)
    {
        foreach (var deployment in Rendered(valueSet).OfKind("Deployment"))
        {
            var constraints = Items(deployment["spec"]!["template"]!["spec"]!["topologySpreadConstraints"]).ToList();
            Assert.Contains(constraints, c => Str(c["topologyKey"]) == "kubernetes.io/hostname");
            Assert.All(constraints, c => Assert.Equal(
                Str(deployment["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/component"]),
                Str(c["labelSelector"]?["matchLabels"]?["app.kubernetes.io/component"])));
        }
    }

    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Render_Autoscalers_TargetCpuAndTheirDeployment(string valueSet)
    {
        foreach (var hpa in Rendered(valueSet).OfKind("HorizontalPodAutoscaler"))
        {
            Assert.Equal(Name(hpa), Str(hpa["spec"]!["scaleTargetRef"]!["name"]));
            Assert.Contains(Items(hpa["spec"]!["metrics"]), m => Str(m["resource"]?["name"]) == "cpu");
        }
    }

    [HelmFact]
    public void Render_DeliveryCustomMetricHook_AppendsMetric()
    {
        var hpa = Rendered("production").Single("HorizontalPodAutoscaler", ComponentName("delivery"));

        Assert.Contains(Items(hpa["spec"]!["metrics"]), m => Str(m["pods"]?["metric"]?["name"]) == "cloudy_delivery_websocket_connections");
    }

    [HelmFact]
    public void Render_HelmTestPod_ChecksGatewayReadiness()
    {
        var pod = Assert.Single(Rendered("default").OfKind("Pod"));

        Assert.Equal("test", Str(pod["metadata"]!["annotations"]!["helm.sh/hook"]));
        var args = Assert.Single(Items(pod["spec"]!["containers"]))["args"]!.AsArray().Select(Str).ToList();
        Assert.Contains("http://cloudy-gateway.cloudy.svc:80/health/ready", args);
        Assert.Contains("--fail", args);
    }
}
