using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;

namespace Microsoft.Extensions.Hosting;

/// <summary>Defaults of the single-process host.</summary>
public static partial class EmbeddedHostExtensions
{
    /// <summary>Where the embedded host listens unless <c>--urls</c> / <c>ASPNETCORE_URLS</c> say otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>
    /// Puts the embedded-mode settings underneath every other configuration source, so appsettings,
    /// environment variables (<c>Store__Embedded</c>, <c>ASPNETCORE_URLS</c>, …) and the command line
    /// (<c>--urls</c>, <c>--Cloudy:DataDir</c>) still override them: Garnet in-process, the in-process bus,
    /// data under <c>./.cloudy</c>, loopback port 8080.
    /// </summary>
    public static IHostApplicationBuilder AddEmbeddedDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["urls"] = DefaultUrl,
                ["Store:Embedded"] = "true",
                ["Bus:Adapter"] = "InProcess",
                ["Cloudy:DataDir"] = "./.cloudy",
            },
        });
        return builder;
    }

    /// <summary>Logs, once the server has started, the addresses it listens on and the data directory.</summary>
    public static WebApplication LogStartupSummary(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var dataDir = Path.GetFullPath(app.Configuration["Cloudy:DataDir"] ?? "./.cloudy");
            LogListening(app.Logger, string.Join(", ", addresses), dataDir);
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cloudy embedded host listening on {Addresses} (data in {DataDir})")]
    private static partial void LogListening(ILogger logger, string addresses, string dataDir);
}
