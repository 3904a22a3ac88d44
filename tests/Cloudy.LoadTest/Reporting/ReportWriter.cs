using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cloudy.LoadTest.Reporting;

/// <summary>Writes a run's JSON result, Markdown summary and PNG plot side by side.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions _json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The JSON options (also for reading a result back).</summary>
    public static JsonSerializerOptions Json => _json;

    /// <summary>Writes <c>{stem}.json</c>, <c>{stem}.md</c>, <c>{stem}.png</c> into <paramref name="directory"/>; returns the three paths.</summary>
    public static (string Json, string Markdown, string Png) WriteAll(LoadResult result, string directory, string stem)
    {
        Directory.CreateDirectory(directory);
        var json = Path.Combine(directory, stem + ".json");
        var md = Path.Combine(directory, stem + ".md");
        var png = Path.Combine(directory, stem + ".png");
        File.WriteAllText(json, JsonSerializer.Serialize(result, _json));
        File.WriteAllText(md, Markdown(result, Path.GetFileName(png)));
        PlotWriter.Write(result, png);
        return (json, md, png);
    }

    /// <summary>The Markdown summary: one table of the headline figures, then the scenario's own table.</summary>
    public static string Markdown(LoadResult r, string? pngName = null)
    {
        var s = new StringBuilder();
        s.AppendLine(Inv($"## cloudy-load `{r.Scenario}` — {r.StartedAt:yyyy-MM-dd HH:mm} UTC"));
        s.AppendLine();
        s.AppendLine("| figure | value |");
        s.AppendLine("|---|---:|");
        Row(s, "target", r.Target);
        Row(s, "machine", Inv($"{r.Machine.Cores} cores, load average {r.Machine.LoadAverageStart:F2} → {r.Machine.LoadAverageEnd:F2}"));
        Row(s, "setup (register, login, connect)", Inv($"{r.SetupSeconds:F1} s"));
        if (r.Messages is { } m)
        {
            Row(s, "sent / accepted / failed", Inv($"{m.Sent} / {m.Accepted} / {m.Failed}"));
            Row(s, "delivered / lost / duplicated", Inv($"{m.Delivered} / {m.Lost} / {m.Duplicates}"));
            if (m.Decrypted > 0)
            {
                Row(s, "decrypted by the receiving Messenger (run total, warm-up included)", Inv($"{m.Decrypted}"));
            }
            Row(s, "accepted rate", Inv($"{r.AcceptedPerSecond:F0} msg/s over {r.SendSeconds:F1} s"));
            Row(s, "delivered rate", Inv($"{r.DeliveredPerSecond:F0} msg/s"));
        }

        if (r.Latency is { Count: > 0 } l)
        {
            Row(s, "latency p50 / p90 / p99 / max", Inv($"{l.P50:F1} / {l.P90:F1} / {l.P99:F1} / {l.Max:F1} ms"));
        }

        if (r.HighestSustainedRate is { } sustained)
        {
            Row(s, "highest sustained rate", Inv($"{sustained:F0} msg/s"));
        }

        if (r.Connections is { } c)
        {
            Row(s, "connections opened / failed", Inv($"{c.Opened} / {c.Failed} (over {c.SourceAddresses} source addresses)"));
            Row(s, "connect rate", Inv($"{c.ConnectRate:F0} /s ({c.ConnectSeconds:F1} s)"));
            Row(s, "server RSS before → held", Inv($"{c.ServerRssBefore / 1048576.0:F1} → {c.ServerRssHeld / 1048576.0:F1} MiB"));
            Row(s, "server memory per connection", Inv($"{c.ServerBytesPerConnection / 1024:F1} KiB"));
            Row(s, "generator RSS", Inv($"{c.GeneratorRssHeld / 1048576.0:F1} MiB"));
            foreach (var p in c.PerProcess ?? [])
            {
                Row(s, Inv($"RSS {p.Name} ({p.Pid}) before → held, per connection"),
                    Inv($"{p.RssBefore / 1048576.0:F1} → {p.RssHeld / 1048576.0:F1} MiB, {p.BytesPerConnection / 1024:F1} KiB"));
            }
        }

        if (r.Drain is { } d)
        {
            Row(s, "queued (accepted) / drained", Inv($"{d.Queued} / {d.Delivered}"));
            Row(s, "queue time / drain time", Inv($"{d.QueueSeconds:F1} s / {d.DrainSeconds:F2} s"));
            Row(s, "drain rate", Inv($"{d.DrainRate:F0} msg/s"));
            Row(s, "completeness", Inv($"{d.Completeness * 100:F3} %"));
        }

        foreach (var group in r.Processes.GroupBy(p => (p.Pid, p.Name)))
        {
            var cpu = group.Where(p => p.CpuPercent > 0).Select(p => p.CpuPercent).DefaultIfEmpty(0);
            Row(s, Inv($"{group.Key.Name} ({group.Key.Pid}) CPU mean / max, RSS max"),
                Inv($"{cpu.Average():F0} % / {cpu.Max():F0} %, {group.Max(p => p.RssBytes) / 1048576.0:F0} MiB"));
        }

        foreach (var g in r.Generator)
        {
            Row(s, Inv($"generator CPU, {g.Phase}"),
                Inv($"{g.CpuSeconds:F2} s over {g.WallSeconds:F1} s for {g.Messages} messages = {g.CpuMicrosPerMessage:F0} µs/message ({g.AllocatedBytesPerMessage:F0} B allocated, {g.WorkItemsPerMessage:F1} thread-pool items per message)"));
        }

        if (r.Steps is { Count: > 0 } steps)
        {
            s.AppendLine();
            s.AppendLine("| step | target/s | accepted/s | delivered/s | p50 ms | p99 ms | max ms | lost | failed | held |");
            s.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var st in steps)
            {
                s.AppendLine(Inv($"| {st.Step} | {st.TargetRate:F0} | {st.AcceptedRate:F0} | {st.DeliveredRate:F0} | {st.Latency.P50:F1} | {st.Latency.P99:F1} | {st.Latency.Max:F1} | {st.Counts.Lost} | {st.Counts.Failed} | {(st.Passed ? "yes" : "no: " + st.Reason)} |"));
            }
        }

        if (r.Notes.Count > 0)
        {
            s.AppendLine();
            foreach (var note in r.Notes)
            {
                s.AppendLine("- " + note);
            }
        }

        if (pngName is not null)
        {
            s.AppendLine();
            s.AppendLine($"![{r.Scenario}]({pngName})");
        }

        return s.ToString();
    }

    private static void Row(StringBuilder s, string name, string value) => s.AppendLine($"| {name} | {value.Replace("|", "\\|", StringComparison.Ordinal)} |");

    private static string Inv(FormattableString f) => f.ToString(CultureInfo.InvariantCulture);
}
