using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Cloudy.EventBus.Kafka;

/// <summary>
/// Chooses the librdkafka build that Confluent.Kafka loads. On glibc linux-x64 the package's default
/// <c>librdkafka.so</c> needs <c>libsasl2.so.3</c> (absent on Debian 12), while the statically linked
/// <c>centos8-librdkafka.so</c> shipped beside it loads everywhere; so we load that one explicitly.
/// </summary>
public static class KafkaNative
{
    /// <summary>Environment variable that overrides the library path.</summary>
    public const string PathVariable = "CLOUDY_LIBRDKAFKA_PATH";

    private const string GlibcFile = "centos8-librdkafka.so";
    private const string MuslFile = "alpine-librdkafka.so";
    private static readonly Lock _gate = new();
    private static bool _resolverSet;

    /// <summary>
    /// The library file to load: <see cref="PathVariable"/> if set, else <c>centos8-librdkafka.so</c> (on Alpine,
    /// whose libc is musl, <c>alpine-librdkafka.so</c>) from the
    /// application folder (RID-specific publish) or <c>runtimes/linux-x64/native</c>; <c>null</c> on other
    /// platforms, where Confluent.Kafka's own choice is right.
    /// </summary>
    public static string? LibraryPath
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(PathVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                return configured;
            }

            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            {
                return null;
            }

            var file = File.Exists("/etc/alpine-release") ? MuslFile : GlibcFile;
            string[] candidates =
            [
                Path.Combine(AppContext.BaseDirectory, file),
                Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", file),
            ];
            return candidates.FirstOrDefault(File.Exists);
        }
    }

    /// <summary>
    /// Loads librdkafka into Confluent.Kafka once per process; call before creating any client.
    /// Idempotent and thread-safe.
    /// </summary>
    /// <exception cref="InvalidOperationException">The library could not be loaded.</exception>
    public static void EnsureLoaded()
    {
        lock (_gate)
        {
            if (Library.IsLoaded)
            {
                return;
            }

            var path = LibraryPath;
            if (path is not null && OperatingSystem.IsLinux())
            {
                SetResolver(path);
            }

            try
            {
                if (path is null)
                {
                    Library.Load();
                }
                else
                {
                    Library.Load(path);
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                throw new InvalidOperationException(
                    $"Could not load librdkafka from '{path ?? "the default location"}'. Set {PathVariable} to a working build.", ex);
            }
        }
    }

    // Library.Load(path) dlopens the file through [DllImport("libdl")], i.e. "libdl.so", which only the
    // libc development package provides (glibc ships libdl.so.2; libc.so.6 exports dlopen too). It then
    // binds its [DllImport("librdkafka")] methods by *name*, which the runtime would resolve to the
    // package's default librdkafka.so again; so both names are pointed at the right files here.
    private static void SetResolver(string libraryPath)
    {
        if (_resolverSet)
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, (name, _, _) => name switch
        {
            "libdl" when NativeLibrary.TryLoad("libdl.so.2", out var handle) || NativeLibrary.TryLoad("libc.so.6", out handle) => handle,
            "librdkafka" => NativeLibrary.Load(libraryPath),
            _ => IntPtr.Zero,
        });
        _resolverSet = true;
    }
}
