using Xunit.Abstractions;
using Xunit.Sdk;

namespace Cloudy.EndToEnd.Tests;

/// <summary>Marks a test that must run after every other test of its class (e.g. a scan of what they left behind).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RunLastAttribute : Attribute;

/// <summary>Runs a class's tests by name, those marked <see cref="RunLastAttribute"/> after the rest.</summary>
public sealed class RunLastOrderer : ITestCaseOrderer
{
    /// <summary>Assembly-qualified name for <see cref="TestCaseOrdererAttribute"/>.</summary>
    public const string TypeName = "Cloudy.EndToEnd.Tests.RunLastOrderer";

    /// <summary>Assembly name for <see cref="TestCaseOrdererAttribute"/>.</summary>
    public const string AssemblyName = "Cloudy.EndToEnd.Tests";

    /// <inheritdoc />
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases
            .OrderBy(c => c.TestMethod.Method.GetCustomAttributes(typeof(RunLastAttribute)).Any())
            .ThenBy(c => c.TestMethod.Method.Name, StringComparer.Ordinal);
}
