namespace Cloudy.Charts.Tests;

/// <summary><c>helm lint --strict</c> (which also validates values.schema.json) for each shipped values set.</summary>
public sealed class ChartLintTests
{
    [HelmTheory]
    [MemberData(nameof(ValueSetData.All), MemberType = typeof(ValueSetData))]
    public void Lint_Strict_Passes(string valueSet)
    {
        var args = new List<string> { "lint", "--strict", Helm.ChartDir };
        foreach (var file in Manifests.ValueSets[valueSet])
        {
            args.AddRange(["-f", Path.Combine(Helm.ChartDir, file)]);
        }

        var result = Helm.Run([.. args]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("0 chart(s) failed", result.Output, StringComparison.Ordinal);
    }

    [HelmFact]
    public void Version_IsHelmV4()
    {
        var result = Helm.Run("version", "--short");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("v4.", result.StandardOutput.Trim(), StringComparison.Ordinal);
    }
}
