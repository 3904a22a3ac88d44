using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Cloudy.Cli.Profiles;

/// <summary>Non-secret profile settings, stored in <c>profile.json</c> beside the encrypted store.</summary>
/// <param name="Server">The server URL the profile's account lives on.</param>
internal sealed record ProfileConfig(string Server);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(ProfileConfig))]
internal sealed partial class CliJsonContext : JsonSerializerContext;

/// <summary>
/// A profile directory <c>$CLOUDY_HOME/&lt;name&gt;</c> (default <c>~/.cloudy/default</c>): <c>store.db</c> (the encrypted
/// SQLite store: keys, sessions, device credentials, contacts) and <c>profile.json</c> (the server URL only).
/// </summary>
internal sealed partial class Profile
{
    /// <summary>Server used when neither <c>--server</c> nor the profile names one.</summary>
    public const string DefaultServer = "http://127.0.0.1:8080";

    private Profile(string name, string directory)
    {
        Name = name;
        Directory = directory;
    }

    /// <summary>The profile name.</summary>
    public string Name { get; }

    /// <summary>The profile directory.</summary>
    public string Directory { get; }

    /// <summary>The encrypted store.</summary>
    public string StorePath => Path.Combine(Directory, "store.db");

    private string ConfigPath => Path.Combine(Directory, "profile.json");

    /// <summary>True once <c>init</c> (or <c>devices link --code</c>) created the store.</summary>
    public bool Exists => File.Exists(StorePath);

    /// <summary>Finds the profile <paramref name="name"/> under <c>CLOUDY_HOME</c> (default <c>~/.cloudy</c>).</summary>
    public static Profile Locate(CliContext context, string? name)
    {
        name ??= "default";
        if (!ValidName().IsMatch(name))
        {
            throw new CliException("A profile name is 1-64 letters, digits, '.', '_' or '-' and does not start with '.'.", ExitCodes.Usage);
        }

        var home = context.Environment("CLOUDY_HOME") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cloudy");
        return new Profile(name, Path.Combine(Path.GetFullPath(home), name));
    }

    /// <summary>Creates the directory, readable by the owner only.</summary>
    public void CreateDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The stored settings (defaults when absent).</summary>
    public ProfileConfig ReadConfig() => File.Exists(ConfigPath)
        ? JsonSerializer.Deserialize(File.ReadAllBytes(ConfigPath), CliJsonContext.Default.ProfileConfig) ?? new ProfileConfig(DefaultServer)
        : new ProfileConfig(DefaultServer);

    /// <summary>Stores the settings.</summary>
    public void WriteConfig(ProfileConfig config) =>
        File.WriteAllBytes(ConfigPath, JsonSerializer.SerializeToUtf8Bytes(config, CliJsonContext.Default.ProfileConfig));

    /// <summary>Removes what a failed <c>init</c> left behind, so it can be run again.</summary>
    public void DeletePartial()
    {
        foreach (var file in new[] { StorePath, StorePath + "-journal", ConfigPath })
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ValidName();
}
