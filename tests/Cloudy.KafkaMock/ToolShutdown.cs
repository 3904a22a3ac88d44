using System.Runtime.InteropServices;

namespace Cloudy.KafkaMock;

/// <summary>Waits for SIGINT, SIGTERM or end-of-file on stdin, whichever comes first.</summary>
internal sealed class ToolShutdown : IDisposable
{
    private readonly ManualResetEventSlim _stopped = new();
    private readonly List<PosixSignalRegistration> _signals = [];

    public ToolShutdown(StdinMode stdin)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                // Keep the process alive so the cluster is destroyed and we exit 0.
                context.Cancel = true;
                Stop(context.Signal.ToString());
            }));
        }

        if (stdin == StdinMode.Always || (stdin == StdinMode.Auto && StdinIsPipe()))
        {
            var reader = new Thread(() =>
            {
                while (Console.In.ReadLine() is not null)
                {
                    // Input is ignored; only its end matters.
                }

                Stop("stdin closed");
            })
            { IsBackground = true, Name = "stdin-watch" };
            reader.Start();
        }
    }

    /// <summary>What ended the wait.</summary>
    public string Reason { get; private set; } = "";

    public void Wait() => _stopped.Wait();

    public void Dispose()
    {
        foreach (var registration in _signals)
        {
            registration.Dispose();
        }

        _stopped.Dispose();
    }

    /// <summary>Writes <paramref name="text"/> via a temporary file and rename, so readers never see half a line.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, full, overwrite: true);
    }

    private void Stop(string reason)
    {
        lock (_stopped)
        {
            if (!_stopped.IsSet)
            {
                Reason = reason;
                _stopped.Set();
            }
        }
    }

    // Background jobs of non-interactive shells get /dev/null as stdin; treating its instant EOF as
    // "stop" would end the tool at once, so by default only a pipe or socket counts.
    private static bool StdinIsPipe()
    {
        if (!Console.IsInputRedirected)
        {
            return false;
        }

        var target = OperatingSystem.IsLinux() ? new FileInfo("/proc/self/fd/0").LinkTarget : null;
        return target is not null && (target.StartsWith("pipe:", StringComparison.Ordinal) || target.StartsWith("socket:", StringComparison.Ordinal));
    }
}
