namespace Cloudy.Testing;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates <c>/tmp/cloudy-&lt;name&gt;-&lt;random&gt;</c>.</summary>
    public TempDirectory(string name = "test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"cloudy-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>Deletes the directory and everything in it (best effort: a server may still hold a file).</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
