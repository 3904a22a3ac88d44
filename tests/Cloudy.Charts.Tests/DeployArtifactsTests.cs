using System.Text.RegularExpressions;

namespace Cloudy.Charts.Tests;

/// <summary>The image build (deploy/) and the chart agree on the deployables, and the runtime image is hardened.</summary>
public sealed partial class DeployArtifactsTests
{
    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([Helm.RepoRoot, .. path]));

    [Fact]
    public void Components_PublishScriptBakeFileAndChart_ListTheSameDeployables()
    {
        var publish = PublishEntry().Matches(Read("deploy", "components.sh")).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        var bake = BakeEntry().Matches(Read("deploy", "docker-bake.hcl")).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        var chartImages = ChartRepository().Matches(Read("charts", "cloudy", "values.yaml")).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(Manifests.Components, publish.Select(p => p.Item1));
        Assert.Equal(publish, bake);
        Assert.Equal(Manifests.Components, chartImages);
    }

    [Fact]
    public void Dockerfile_RuntimeStage_IsChiseledNonRootWithoutShellEntrypoint()
    {
        var dockerfile = Read("deploy", "Dockerfile");

        Assert.Contains("ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^USER 1654:1654$", dockerfile);
        Assert.Matches(@"(?m)^ENTRYPOINT \[""/app/entrypoint""\]$", dockerfile);
        Assert.DoesNotContain(":latest", dockerfile, StringComparison.Ordinal);
        // The last FROM is the runtime stage: nothing after it may need a shell (chiseled has none).
        var runtimeStage = dockerfile[dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        Assert.DoesNotMatch(@"(?m)^RUN ", runtimeStage);
    }

    [GeneratedRegex(@"""([a-z-]+) (Cloudy\.[A-Za-z]+)""")]
    private static partial Regex PublishEntry();

    [GeneratedRegex(@"component = ""([a-z-]+)"",\s*project = ""(Cloudy\.[A-Za-z]+)""")]
    private static partial Regex BakeEntry();

    [GeneratedRegex(@"repository: cloudy/cloudy-([a-z-]+)")]
    private static partial Regex ChartRepository();
}
