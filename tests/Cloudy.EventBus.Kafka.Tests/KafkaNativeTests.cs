using Confluent.Kafka;

namespace Cloudy.EventBus.Kafka.Tests;

/// <summary>Which librdkafka build the process loads (Debian 12 lacks the default build's libsasl2.so.3).</summary>
public sealed class KafkaNativeTests
{
    [Fact]
    public void EnsureLoaded_OnThisLinuxX64Machine_LoadsTheStaticallyLinkedBuildFromThePackage()
    {
        KafkaNative.EnsureLoaded();
        KafkaNative.EnsureLoaded();

        Assert.True(Library.IsLoaded);
        Assert.EndsWith("centos8-librdkafka.so", KafkaNative.LibraryPath);
        Assert.StartsWith("2.16", Library.VersionString);
    }
}
