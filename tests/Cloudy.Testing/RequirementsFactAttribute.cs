using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Cloudy.Testing;

/// <summary>
/// A <see cref="FactAttribute"/> that is skipped, with a printed reason, when the concrete test class
/// carries a <see cref="TestRequirementAttribute"/> that is not met (e.g. <c>redis-server</c> not installed).
/// Lets one abstract test class run against several backends, each half skipping on its own.
/// </summary>
[XunitTestCaseDiscoverer("Cloudy.Testing.RequirementsFactDiscoverer", "Cloudy.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequirementsFactAttribute : FactAttribute;

/// <summary>A condition a test class needs; <see cref="SkipReason"/> is null when it is met.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true, AllowMultiple = true)]
public abstract class TestRequirementAttribute : Attribute
{
    /// <summary>Why the tests cannot run here, or null.</summary>
    public abstract string? SkipReason { get; }
}

/// <summary>The class's tests need Debian's <c>redis-server</c> binary.</summary>
public sealed class RequiresRedisServerAttribute : TestRequirementAttribute
{
    /// <inheritdoc />
    public override string? SkipReason => RedisServer.SkipReason;
}

/// <summary>Discovers <see cref="RequirementsFactAttribute"/> tests (used by xunit through the attribute).</summary>
public sealed class RequirementsFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var displayOptions = discoveryOptions.MethodDisplayOptionsOrDefault();
        var reason = testMethod.TestClass.Class.ToRuntimeType()?
            .GetCustomAttributes<TestRequirementAttribute>(inherit: true)
            .Select(r => r.SkipReason)
            .FirstOrDefault(r => r is not null);
        IXunitTestCase testCase = reason is null
            ? new XunitTestCase(diagnosticMessageSink, display, displayOptions, testMethod)
            : new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, displayOptions, testMethod, reason);
        return [testCase];
    }
}
