using Cloudy.LoadTest.Reporting;

namespace Cloudy.LoadTest.Scenarios;

/// <summary>
/// <c>offline-burst</c>: half the devices (the recipients) stay offline while M messages queue in their mailboxes;
/// then they all connect and drain. Reports the drain rate (from the first connect to the last delivery) and
/// completeness (unique messages delivered / accepted).
/// </summary>
internal static class OfflineBurstScenario
{
    public static async Task<LoadResult> RunAsync(RunContext ctx, CancellationToken ct)
    {
        var o = ctx.Options;
        var count = o.Devices - (o.Devices % 2);
        ctx.Log($"registering {count} devices");
        var setup = await ctx.Fleet.RegisterAsync(count, o.RegisterConcurrency, ctx.SetupTimeout, ct);
        var devices = ctx.Fleet.Devices;
        var routes = Enumerable.Range(0, count / 2).Select(k => (devices[2 * k], devices[(2 * k) + 1])).ToList();
        var recipients = routes.Select(r => r.Item2).ToList();
        var perMailbox = (double)o.Messages / recipients.Count;
        if (perMailbox > 5000)
        {
            ctx.Notes.Add($"{perMailbox:F0} messages per mailbox exceeds the default Delivery:MailboxCapacity (5000): raise it or expect 429 mailbox-full.");
        }

        // Warm-up envelopes queue in the offline mailboxes too; they are drained first and counted apart.
        await Setup.WarmUpAsync(ctx, routes, waitForDelivery: false, ct);
        ctx.Log($"queueing {o.Messages} messages to {recipients.Count} offline recipients at up to {o.Rate}/s");
        var pump = new SendPump(ctx.Fleet, routes, o.PayloadBytes, o.MaxInFlight, o.Senders);
        var bound = TimeSpan.FromSeconds((o.Messages / o.Rate) + 60);
        var cpu = Metrics.CpuMeter.Start(ctx.Clock);
        var queued = await pump.RunAsync(o.Rate, bound, o.Messages, ct);
        var queueCost = cpu.Stop("queue (send only: recipients offline)", queued.End - queued.First);
        Setup.NoteLag(ctx, queued);
        var accepted = ctx.Tracker.Count(queued.First, queued.End).Accepted;

        if (o.SettleSeconds > 0)
        {
            ctx.Log($"{accepted} accepted; settling {o.SettleSeconds}s");
            await Task.Delay(TimeSpan.FromSeconds(o.SettleSeconds), ct);
        }

        ctx.Log($"{accepted} accepted; recipients connect and drain");
        var drainStart = ctx.Clock.NowSeconds;
        cpu = Metrics.CpuMeter.Start(ctx.Clock);
        var connect = await ctx.Fleet.ConnectAsync(recipients, o.ConnectConcurrency, 8 * 1024, ctx.SetupTimeout, null, ct);
        if (connect.Failed > 0)
        {
            ctx.Notes.Add($"{connect.Failed} recipients failed to connect.");
        }

        await SendPump.WaitForDeliveryAsync(ctx.Fleet, queued.First, queued.End, TimeSpan.FromSeconds(Math.Max(o.DrainTimeoutSeconds, accepted / 200.0)));
        var drainCost = cpu.Stop("connect + drain (receive and ack only; per message delivered)", ctx.Tracker.Count(queued.First, queued.End).Delivered);
        var drainSeconds = ctx.Tracker.LastDeliveryMicros(queued.First, queued.End) / 1e6 - drainStart;
        var result = ctx.Result(r => ctx.WithMessages(r with { SetupSeconds = Math.Round(setup, 2) }, queued.First, queued.End, queued.Seconds));
        var counts = result.Messages!;
        var drain = new DrainResult(counts.Accepted, counts.Delivered, Math.Round(queued.Seconds, 2), Math.Round(Math.Max(drainSeconds, 0), 3),
            drainSeconds > 0 ? Math.Round(counts.Delivered / drainSeconds, 1) : 0,
            counts.Accepted > 0 ? Math.Round(counts.Delivered / (double)counts.Accepted, 6) : 0);
        return result with { Drain = drain, Generator = [queueCost, drainCost] };
    }
}
