namespace Cloudy.Delivery.Tests.Support;

/// <summary>Polling for effects of asynchronous consumers.</summary>
public static class Eventually
{
    /// <summary>
    /// Waits until <paramref name="condition"/> holds; fails the test after <paramref name="seconds"/> (generous: other
    /// test assemblies share the two cores, and a condition that holds returns at once anyway).
    /// </summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"The condition was not met within {seconds} s.");
            await Task.Delay(25);
        }
    }
}
