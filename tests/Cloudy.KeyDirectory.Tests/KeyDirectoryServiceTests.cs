extern alias Service;

using Cloudy.Store;
using Cloudy.Testing;
using Service::Microsoft.Extensions.Hosting;

namespace Cloudy.KeyDirectory.Tests;

public sealed class KeyDirectoryServiceTests : ServiceSkeletonTests<Service::Program>
{
    protected override KeySpace OwnKeySpace => KeySpace.KeyDirectory;

    protected override string RoutePrefix => KeyDirectoryServiceExtensions.RoutePrefix;

    protected override string ConsumerGroup => KeyDirectoryServiceExtensions.ConsumerGroup;
}
