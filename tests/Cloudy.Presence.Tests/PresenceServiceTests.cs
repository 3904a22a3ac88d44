extern alias Service;

using Cloudy.Store;
using Cloudy.Testing;
using Service::Microsoft.Extensions.Hosting;

namespace Cloudy.Presence.Tests;

public sealed class PresenceServiceTests : ServiceSkeletonTests<Service::Program>
{
    protected override KeySpace OwnKeySpace => KeySpace.Presence;

    protected override string RoutePrefix => PresenceServiceExtensions.RoutePrefix;

    protected override string ConsumerGroup => PresenceServiceExtensions.ConsumerGroup;
}
