using Cloudy.Testing;

namespace Cloudy.Delivery.Tests.Support;

/// <summary>
/// Delivery's integration tests share one real Garnet (production flags, Lua on) and run one class at a time,
/// which keeps CPU use modest on a shared machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DeliveryCollection : ICollectionFixture<GarnetFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "delivery";
}
