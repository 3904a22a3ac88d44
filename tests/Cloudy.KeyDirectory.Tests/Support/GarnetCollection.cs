using Cloudy.Testing;

namespace Cloudy.KeyDirectory.Tests.Support;

/// <summary>
/// Test classes that share one in-process Garnet (Cloudy.Testing's fixture: production flags, Lua on).
/// xunit runs the classes of a collection one after another, so "nothing else wrote kd:*" holds.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GarnetCollection : ICollectionFixture<GarnetFixture>
{
    public const string Name = "key-directory garnet";
}
