namespace Cloudy.EndToEnd.Tests;

/// <summary>The test classes of the embedded mode share one running embedded host.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedModeCollection : ICollectionFixture<EmbeddedModeFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "embedded mode";
}

/// <summary>The test classes of the platform mode share one running platform (starting one costs the most).</summary>
[CollectionDefinition(Name)]
public sealed class PlatformModeCollection : ICollectionFixture<PlatformModeFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "platform mode";
}
