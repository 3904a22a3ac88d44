extern alias Service;

using Cloudy.Store;
using Cloudy.Testing;
using Service::Microsoft.Extensions.Hosting;

namespace Cloudy.Delivery.Tests;

public sealed class DeliveryServiceTests : ServiceSkeletonTests<Service::Program>
{
    protected override KeySpace OwnKeySpace => KeySpace.Delivery;

    protected override string RoutePrefix => DeliveryServiceExtensions.RoutePrefix;

    protected override string ConsumerGroup => DeliveryServiceExtensions.ConsumerGroup;
}
