using Cloudy.LoadTest.Metrics;

namespace Cloudy.LoadTest.Net;

/// <summary>
/// The virtual devices of a run and the HTTP clients they use (one per source address), registered
/// with bounded concurrency and a deadline.
/// </summary>
internal sealed class Fleet : IAsyncDisposable
{
    private readonly List<HttpClient> _clients = [];
    private readonly List<HttpMessageInvoker> _invokers = [];
    private readonly List<SocketsHttpHandler> _handlers = [];
    private bool _disposed;
    private readonly List<VirtualDevice> _devices = [];

    /// <summary>Creates HTTP clients for <paramref name="baseAddress"/>, one per source address.</summary>
    public Fleet(Uri baseAddress, int sourceAddresses, MessageTracker tracker, RunClock clock, bool protocol = false)
    {
        BaseAddress = baseAddress;
        Protocol = protocol;
        Tracker = tracker;
        Clock = clock;
        var sources = new SourceAddresses(System.Net.IPAddress.Parse(baseAddress.Host.Trim('[', ']')), sourceAddresses);
        for (var k = 0; k < sources.Count; k++)
        {
            // HttpClient for the REST calls; a bare invoker on the same handler for WebSocket upgrades (HttpClient would buffer the 101).
            var handler = SourceAddresses.CreateHandler(sources[k]);
            _handlers.Add(handler);
            _invokers.Add(new HttpMessageInvoker(handler, disposeHandler: false));
            _clients.Add(new HttpClient(handler, disposeHandler: false)
            {
                BaseAddress = baseAddress,
                Timeout = TimeSpan.FromSeconds(30),
            });
        }
    }

    public Uri BaseAddress { get; }

    /// <summary>True when devices use real Cloudy.Protocol sessions (Messenger) instead of opaque payloads.</summary>
    public bool Protocol { get; }

    public MessageTracker Tracker { get; }

    public RunClock Clock { get; }

    /// <summary>The registered devices, in registration order.</summary>
    public IReadOnlyList<VirtualDevice> Devices => _devices;

    /// <summary>Streams open right now.</summary>
    public long OpenStreams => _devices.Count(d => d.IsConnected);

    /// <summary>Registers and logs in <paramref name="count"/> devices (device i uses source address i mod K); returns the elapsed seconds.</summary>
    public async Task<double> RegisterAsync(int count, int concurrency, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var start = Clock.NowSeconds;
        var slots = new VirtualDevice?[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = deadline.Token }, async (i, token) =>
        {
            slots[i] = await VirtualDevice.RegisterAsync(_clients[i % _clients.Count], _invokers[i % _clients.Count], Tracker, Clock, Protocol, token);
        });
        _devices.AddRange(slots!);
        return Clock.NowSeconds - start;
    }

    /// <summary>
    /// Opens the streams of <paramref name="devices"/> with bounded concurrency; a failed connect is counted, not fatal.
    /// <paramref name="progress"/> sees the running count of opened streams.
    /// </summary>
    public async Task<(double Seconds, int Opened, int Failed)> ConnectAsync(
        IEnumerable<VirtualDevice> devices, int concurrency, int receiveBufferBytes, TimeSpan timeout, Action<int>? progress, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var start = Clock.NowSeconds;
        int opened = 0, failed = 0;
        try
        {
            await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = deadline.Token }, async (d, token) =>
            {
                try
                {
                    await d.ConnectAsync(BaseAddress, receiveBufferBytes, token);
                    progress?.Invoke(Interlocked.Increment(ref opened));
                }
                catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException or Cloudy.Client.CloudyApiException)
                {
                    if (Interlocked.Increment(ref failed) == 1)
                    {
                        Console.Error.WriteLine($"first connect failure: {e.GetType().Name}: {e.Message}");
                    }
                }
            });
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("connect deadline reached");
        }

        return (Clock.NowSeconds - start, opened, failed);
    }

    /// <summary>Closes every stream (bounded concurrency) and releases the clients.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await Parallel.ForEachAsync(_devices, new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (d, _) => await d.DisposeAsync());
        _clients.ForEach(c => c.Dispose());
        _invokers.ForEach(i => i.Dispose());
        _handlers.ForEach(h => h.Dispose());
    }
}
