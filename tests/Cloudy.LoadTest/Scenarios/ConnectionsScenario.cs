using Cloudy.LoadTest.Reporting;

namespace Cloudy.LoadTest.Scenarios;

/// <summary>
/// <c>connections</c>: registers C devices, then opens C idle streams spread over many 127.x source addresses,
/// holds them, and reports the connect rate and server memory per connection (RSS after holding minus before
/// connecting, over the opened count; a coarse figure: the GC may not have given back or taken more yet).
/// </summary>
internal static class ConnectionsScenario
{
    public static async Task<LoadResult> RunAsync(RunContext ctx, CancellationToken ct)
    {
        var o = ctx.Options;
        ctx.Log($"registering {o.Connections} devices over {o.SourceAddresses} source addresses");
        var setup = await ctx.Fleet.RegisterAsync(o.Connections, o.RegisterConcurrency, ctx.SetupTimeout, ct);
        ctx.Log($"registered in {setup:F1}s; settling 3 s before the memory baseline");
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        ctx.Sampler.SampleNow();
        var before = ctx.Sampler.ServerRssNow();
        var beforeByProcess = ctx.Sampler.RssByProcess();
        var memory = new List<MemoryPoint> { new(0, before) };
        var every = Math.Max(1, o.Connections / 25);
        var connect = await ctx.Fleet.ConnectAsync(ctx.Fleet.Devices, o.ConnectConcurrency, 1024, ctx.SetupTimeout, n =>
        {
            if (n % every == 0)
            {
                lock (memory)
                {
                    memory.Add(new MemoryPoint(n, ctx.Sampler.ServerRssNow()));
                }
            }
        }, ct);
        ctx.Log($"opened {connect.Opened} (failed {connect.Failed}) in {connect.Seconds:F1}s; holding {o.HoldSeconds}s");
        await Task.Delay(TimeSpan.FromSeconds(o.HoldSeconds), ct);
        ctx.Sampler.SampleNow();
        var held = ctx.Sampler.ServerRssNow();
        var heldByProcess = ctx.Sampler.RssByProcess().ToDictionary(p => p.Pid, p => p.RssBytes);
        var perProcess = beforeByProcess.Select(p => new ProcessMemory(p.Pid, p.Name, p.RssBytes, heldByProcess.GetValueOrDefault(p.Pid),
            connect.Opened > 0 ? Math.Round((heldByProcess.GetValueOrDefault(p.Pid) - p.RssBytes) / (double)connect.Opened, 0) : 0)).ToList();
        var open = ctx.Fleet.OpenStreams;
        memory.Add(new MemoryPoint(open, held));
        if (open < connect.Opened)
        {
            ctx.Notes.Add($"{connect.Opened - open} streams closed during the hold.");
        }

        var perConnection = connect.Opened > 0 ? Math.Round((held - before) / (double)connect.Opened, 0) : 0;
        var generator = Metrics.ProcessSampler.ReadRss(Environment.ProcessId) ?? 0;
        var result = new ConnectionsResult(o.Connections, connect.Opened, connect.Failed, o.SourceAddresses, Math.Round(connect.Seconds, 2),
            Math.Round(connect.Opened / Math.Max(connect.Seconds, 1e-3), 1), before, held, perConnection, generator, [.. memory.OrderBy(m => m.Connections)], perProcess);
        return ctx.Result(r => r with { SetupSeconds = Math.Round(setup, 2), Connections = result });
    }
}
