using Cloudy.Testing;

namespace Cloudy.Delivery.Tests.Support;

/// <summary>Base of integration test classes: one delivery host per class on the collection's Garnet.</summary>
[Collection(DeliveryCollection.Name)]
public abstract class DeliveryHostTests(GarnetFixture garnet) : IAsyncLifetime
{
    private DeliveryHost? _host;
    private HttpClient? _http;

    /// <summary>The collection's Garnet.</summary>
    protected GarnetFixture Garnet => garnet;

    /// <summary>The host under test.</summary>
    protected DeliveryHost Host => _host ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>A client of the host.</summary>
    protected HttpClient Http => _http ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>Configuration of the class's host.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _host = await DeliveryHost.StartAsync(garnet, Settings);
        _http = _host.CreateClient();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
