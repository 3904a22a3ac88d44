using Microsoft.Extensions.Logging;

namespace Cloudy.Store.Garnet;

/// <summary>
/// Hands Garnet loggers whose categories start with <see cref="CategoryPrefix"/>, so a host can set
/// Garnet's (chatty) log level with one filter rule (<c>Logging:LogLevel:Garnet</c>).
/// </summary>
public sealed class GarnetLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    /// <summary>Prefix of every Garnet log category.</summary>
    public const string CategoryPrefix = "Garnet.";

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => inner.CreateLogger(CategoryPrefix + categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>Does nothing: the host owns the inner factory, and Garnet may dispose the one it was given.</summary>
    public void Dispose()
    {
    }
}
