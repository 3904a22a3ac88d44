using Cloudy.LoadTest.Reporting;

namespace Cloudy.LoadTest.Scenarios;

/// <summary><c>steady</c>: N devices in pairs, all connected, sending at a total rate R for T seconds.</summary>
internal static class SteadyScenario
{
    public static async Task<LoadResult> RunAsync(RunContext ctx, CancellationToken ct)
    {
        var o = ctx.Options;
        var setup = await Setup.ConnectedPairsAsync(ctx, o.Devices, ct);
        ctx.Log($"sending {o.Rate}/s for {o.DurationSeconds}s");
        var pump = new SendPump(ctx.Fleet, RunContext.PairRoutes(ctx.Fleet.Devices), o.PayloadBytes, o.MaxInFlight, o.Senders);
        await Setup.WarmLoadAsync(ctx, pump, o.Rate, ct);
        var cpu = Metrics.CpuMeter.Start(ctx.Clock);
        var run = await pump.RunAsync(o.Rate, TimeSpan.FromSeconds(o.DurationSeconds), o.MaxMessages, ct);
        var sendCost = cpu.Stop("send (receiving meanwhile)", run.End - run.First);
        Setup.NoteLag(ctx, run);
        await SendPump.WaitForDeliveryAsync(ctx.Fleet, run.First, run.End, TimeSpan.FromSeconds(o.DrainTimeoutSeconds));
        var totalCost = cpu.Stop("send + drain (all messages sent)", run.End - run.First);
        return ctx.Result(r => ctx.WithMessages(r with { SetupSeconds = setup, Generator = [sendCost, totalCost] }, run.First, run.End, run.Seconds));
    }
}

/// <summary>Setup steps shared by the scenarios.</summary>
internal static class Setup
{
    /// <summary>Registers <paramref name="devices"/> devices and connects them all; returns the seconds it took.</summary>
    public static async Task<double> ConnectedPairsAsync(RunContext ctx, int devices, CancellationToken ct)
    {
        var o = ctx.Options;
        var start = ctx.Clock.NowSeconds;
        ctx.Log($"registering {devices} devices");
        var registered = await ctx.Fleet.RegisterAsync(devices - (devices % 2), o.RegisterConcurrency, ctx.SetupTimeout, ct);
        ctx.Log($"registered in {registered:F1}s; connecting");
        var connect = await ctx.Fleet.ConnectAsync(ctx.Fleet.Devices, o.ConnectConcurrency, 8 * 1024, ctx.SetupTimeout, null, ct);
        if (connect.Failed > 0)
        {
            throw new InvalidOperationException($"{connect.Failed} streams failed to open.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ctx.SetupTimeout);
        await Task.WhenAll(ctx.Fleet.Devices.Select(d => d.QueueEmpty)).WaitAsync(timeout.Token);
        await WarmUpAsync(ctx, RunContext.PairRoutes(ctx.Fleet.Devices), waitForDelivery: true, timeout.Token);
        return ctx.Clock.NowSeconds - start;
    }

    /// <summary>
    /// One warm-up message per route, retried while delivery does not know the new account yet (404), so the
    /// measured part starts once every route works; with <paramref name="waitForDelivery"/> also until they arrived.
    /// </summary>
    public static async Task WarmUpAsync(RunContext ctx, IReadOnlyList<(Net.VirtualDevice From, Net.VirtualDevice To)> routes, bool waitForDelivery, CancellationToken ct)
    {
        var start = ctx.Clock.NowSeconds;
        var before = ctx.Tracker.WarmupDelivered;
        var notFound = 0;
        await Parallel.ForEachAsync(routes, new ParallelOptions { MaxDegreeOfParallelism = ctx.Options.RegisterConcurrency, CancellationToken = ct },
            async (r, token) => Interlocked.Add(ref notFound, await r.From.WarmUpAsync(r.To, ctx.Options.PayloadBytes, token)));
        while (waitForDelivery && ctx.Tracker.WarmupDelivered - before < routes.Count)
        {
            await Task.Delay(50, ct);
        }

        ctx.Log($"warm-up: {routes.Count} routes work after {ctx.Clock.NowSeconds - start:F1}s ({notFound} × 404 while delivery learned the new accounts)");
    }

    /// <summary>Sends at <paramref name="rate"/> for --warmup seconds; those messages are tracked but left out of every figure (a note says how they fared).</summary>
    public static async Task WarmLoadAsync(RunContext ctx, SendPump pump, double rate, CancellationToken ct)
    {
        if (ctx.Options.WarmupSeconds <= 0)
        {
            return;
        }

        ctx.Log($"warm-up load: {rate:F0}/s for {ctx.Options.WarmupSeconds}s (not measured)");
        var warm = await pump.RunAsync(rate, TimeSpan.FromSeconds(ctx.Options.WarmupSeconds), ctx.Options.MaxMessages, ct);
        await SendPump.WaitForDeliveryAsync(ctx.Fleet, warm.First, warm.End, TimeSpan.FromSeconds(10));
        var c = ctx.Tracker.Count(warm.First, warm.End);
        var l = ctx.Tracker.Latency(warm.First, warm.End);
        ctx.Notes.Add(FormattableString.Invariant(
            $"Excluded warm-up: {c.Sent} sent, {c.Accepted} accepted, {c.Delivered} delivered, {c.Lost} not delivered within 10 s, p99 {l.P99} ms."));
    }

    /// <summary>Records when the generator could not keep the schedule (it then sends in bursts to catch up).</summary>
    public static void NoteLag(RunContext ctx, PumpResult run)
    {
        if (run.MaxLagMs > 100)
        {
            ctx.Notes.Add($"The generator fell up to {run.MaxLagMs:F0} ms behind its schedule (in-flight limit {ctx.Options.MaxInFlight} reached or CPU starved).");
        }
    }
}
