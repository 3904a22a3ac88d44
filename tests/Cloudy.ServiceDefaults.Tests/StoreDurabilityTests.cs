using System.Net;
using Cloudy.Store.Durability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.ServiceDefaults.Tests;

/// <summary>
/// The durability wait that <c>MapDefaultEndpoints</c> puts in front of every writing request (embedded Garnet's
/// group commit, <c>GarnetCommitBarrier</c>, is tested against Garnet in Cloudy.Store.Tests).
/// </summary>
public sealed class StoreDurabilityTests
{
    [Fact]
    public async Task PostRequest_DurabilityPending_ResponseHeldUntilDurable()
    {
        var durability = new GatedDurability();
        await using var host = await StartAsync(durability);

        var pending = host.Client.PostAsync("/v1/things", null);
        await durability.Called.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(200);
        Assert.False(pending.IsCompleted);

        durability.Open();
        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, durability.Calls);
    }

    [Fact]
    public async Task GetRequest_ReadsOnly_NoDurabilityWait()
    {
        var durability = new GatedDurability();
        await using var host = await StartAsync(durability);

        using var response = await host.Client.GetAsync("/v1/things").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, durability.Calls);
    }

    [Fact]
    public async Task PostRequest_CommitFails_ResponseIsNotASuccess()
    {
        var durability = new GatedDurability();
        durability.Fail(new TimeoutException("flush did not complete"));
        await using var host = await StartAsync(durability);

        using var response = await host.Client.PostAsync("/v1/things", null).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task ImmediateDurability_Registered_PostAnsweredWithoutWaiting()
    {
        await using var host = await StartAsync(new ImmediateDurability());

        using var response = await host.Client.PostAsync("/v1/things", null).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static Task<DefaultsHost> StartAsync(IStoreDurability durability) => DefaultsHost.StartAsync(
        configure: b => b.Services.AddSingleton(durability),
        map: app =>
        {
            app.MapPost("/v1/things", () => Results.Ok(new { stored = true }));
            app.MapGet("/v1/things", () => Results.Ok(Array.Empty<string>()));
        });

    /// <summary>A durability source the test opens (or fails) by hand, counting how often it was asked.</summary>
    private sealed class GatedDurability : IStoreDurability
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public TaskCompletionSource Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Calls => Volatile.Read(ref _calls);

        public void Open() => _gate.TrySetResult();

        public void Fail(Exception error) => _gate.TrySetException(error);

        public Task WaitDurableAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            Called.TrySetResult();
            return _gate.Task.WaitAsync(cancellationToken);
        }
    }
}
