using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Cloudy.Security;

/// <summary>
/// Signing keys kept in one file: a private JWK set (first key signs, all validate) or a single
/// PEM EC key (e.g. a Kubernetes Secret made with Helm's <c>genPrivateKey "ecdsa"</c>). A missing
/// JWK-set file is created with a fresh key from the OS CSPRNG, readable by the owner only.
/// </summary>
public sealed class FileSigningKeyProvider : ISigningKeyProvider
{
    /// <summary>Keys kept in the file after a rotation: the new one plus the previous ones that may still verify live tokens.</summary>
    public const int RetainedKeys = 3;

    private readonly string _path;
    private readonly Lock _gate = new();
    private volatile IReadOnlyList<EcSigningKey> _keys;

    /// <summary>Loads (or creates) the key file named by <paramref name="options"/>.</summary>
    public FileSigningKeyProvider(AuthOptions options, ILogger<FileSigningKeyProvider> logger)
    {
        _path = options.SigningKeyPath ?? throw new ArgumentException("Auth:SigningKeyPath is not resolved.", nameof(options));
        _keys = Load(_path, logger);
    }

    /// <inheritdoc />
    public SigningCredentials Current => new(_keys[0].SecurityKey, SecurityAlgorithms.EcdsaSha256);

    /// <inheritdoc />
    public IReadOnlyList<SecurityKey> ValidationKeys => [.. _keys.Select(k => (SecurityKey)k.SecurityKey)];

    /// <inheritdoc />
    public IReadOnlyList<PublicJwk> PublicKeys => [.. _keys.Select(k => k.Public)];

    /// <summary>
    /// Generates a new active key and keeps the previous ones for validation, so tokens signed
    /// before the rotation stay valid until they expire. Only JWK-set files can rotate.
    /// </summary>
    /// <returns>The new key id.</returns>
    public string Rotate()
    {
        lock (_gate)
        {
            var fresh = EcSigningKey.Generate();
            var keys = new[] { fresh }.Concat(_keys).Take(RetainedKeys).ToList();
            Save(_path, keys);
            _keys = keys;
            return fresh.Public.Kid;
        }
    }

    private static List<EcSigningKey> Load(string path, ILogger logger)
    {
        if (!File.Exists(path))
        {
            var created = new List<EcSigningKey> { EcSigningKey.Generate() };
            Save(path, created);
            logger.LogInformation("Created token signing key {Kid} in {Path}", created[0].Public.Kid, path);
            return created;
        }

        var text = File.ReadAllText(path);
        if (text.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            var ecdsa = System.Security.Cryptography.ECDsa.Create();
            ecdsa.ImportFromPem(text);
            return [EcSigningKey.From(ecdsa)];
        }

        var set = JsonSerializer.Deserialize(text, SecurityJsonContext.Default.PrivateJwkSet);
        if (set is null || set.Keys.Count == 0)
        {
            throw new InvalidDataException($"Signing key file {path} holds no keys.");
        }

        return [.. set.Keys.Select(EcSigningKey.FromPrivateJwk)];
    }

    private static void Save(string path, IReadOnlyList<EcSigningKey> keys)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var json = JsonSerializer.SerializeToUtf8Bytes(
            new PrivateJwkSet([.. keys.Select(k => k.ToPrivateJwk())]), SecurityJsonContext.Default.PrivateJwkSet);

        // Write beside the target and rename, so a crash never leaves a truncated key file.
        var temp = path + ".tmp";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, fileOptions))
        {
            stream.Write(json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
