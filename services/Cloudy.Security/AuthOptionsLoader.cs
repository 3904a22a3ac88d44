using Microsoft.Extensions.Configuration;

namespace Cloudy.Security;

/// <summary>Reads <see cref="AuthOptions"/> from configuration and resolves the default key path.</summary>
public static class AuthOptionsLoader
{
    /// <summary>Binds section <c>Auth</c>; the key path defaults to <c>&lt;Cloudy:DataDir&gt;/identity/signing-keys.json</c>.</summary>
    public static AuthOptions Load(IConfiguration configuration)
    {
        var options = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        if (string.IsNullOrWhiteSpace(options.SigningKeyPath))
        {
            var dataDir = configuration["Cloudy:DataDir"];
            options = options with
            {
                SigningKeyPath = Path.Combine(string.IsNullOrWhiteSpace(dataDir) ? ".cloudy" : dataDir, "identity", "signing-keys.json"),
            };
        }

        return options;
    }
}
