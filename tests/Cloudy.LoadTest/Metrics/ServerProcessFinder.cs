using System.Globalization;

namespace Cloudy.LoadTest.Metrics;

/// <summary>
/// Finds the process listening on a local TCP port: the socket inode from <c>/proc/net/tcp{,6}</c>, then the
/// process whose <c>/proc/PID/fd</c> holds that socket. Only processes of the same user are visible, which is
/// the case for servers the developer started.
/// </summary>
internal static class ServerProcessFinder
{
    /// <summary>The PID listening on <paramref name="port"/>, or null.</summary>
    public static int? FindListener(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = f[1];
                if (f[3] == "0A" && int.Parse(local[(local.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    inodes.Add($"socket:[{f[9]}]");
                }
            }
        }

        if (inodes.Count == 0)
        {
            return null;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                    {
                        return pid;
                    }
                }
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // Another user's process or one that just exited.
            }
        }

        return null;
    }

    /// <summary>The command name of <paramref name="pid"/> (<c>/proc/PID/comm</c>).</summary>
    public static string NameOf(int pid)
    {
        try
        {
            var comm = File.ReadAllText($"/proc/{pid}/comm").Trim();
            if (comm != "dotnet")
            {
                return comm;
            }

            // "dotnet exec X.dll": name it after the assembly.
            var dll = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').FirstOrDefault(a => a.EndsWith(".dll", StringComparison.Ordinal));
            return dll is null ? comm : Path.GetFileNameWithoutExtension(dll);
        }
        catch (IOException)
        {
            return "pid" + pid.ToString(CultureInfo.InvariantCulture);
        }
    }
}
