using ScottPlot;

namespace Cloudy.LoadTest.Reporting;

/// <summary>
/// The PNG: for message scenarios, throughput per second (left axis) and latency percentiles (right axis) over
/// time; for <c>connections</c>, server RSS over open connections.
/// </summary>
internal static class PlotWriter
{
    public static void Write(LoadResult r, string path)
    {
        var plot = new Plot();
        if (r.Connections is { } c)
        {
            var xs = c.Memory.Select(m => (double)m.Connections).ToArray();
            var ys = c.Memory.Select(m => m.ServerRssBytes / 1048576.0).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = "server RSS (MiB)";
            plot.Title($"connections: server memory over open streams ({c.ServerBytesPerConnection / 1024:F1} KiB each)");
            plot.XLabel("open connections");
            plot.YLabel("server RSS (MiB)");
        }
        else
        {
            var t = r.Timeline;
            var t0 = t.Count > 0 ? t[0].Second : 0;
            double[] X(Func<Metrics.TimelinePoint, double> f) => [.. t.Select(f)];
            var xs = X(p => p.Second - t0);
            Add(plot, xs, X(p => p.Sent), "sent/s", null);
            Add(plot, xs, X(p => p.Accepted), "accepted/s", null);
            Add(plot, xs, X(p => p.Delivered), "delivered/s", null);
            Add(plot, xs, X(p => p.P50), "p50 ms", plot.Axes.Right);
            Add(plot, xs, X(p => p.P90), "p90 ms", plot.Axes.Right);
            Add(plot, xs, X(p => p.P99), "p99 ms", plot.Axes.Right);
            plot.Title($"{r.Scenario}: throughput and end-to-end latency per second");
            plot.XLabel("seconds");
            plot.YLabel("messages per second");
            plot.Axes.Right.Label.Text = "latency (ms)";
        }

        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1200, 650);
    }

    private static void Add(Plot plot, double[] xs, double[] ys, string label, IYAxis? axis)
    {
        if (xs.Length == 0)
        {
            return;
        }

        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = label;
        line.MarkerSize = 0;
        if (axis is not null)
        {
            line.Axes.YAxis = axis;
            line.LinePattern = LinePattern.Dashed;
        }
    }
}
