using System.Net;
using System.Net.Sockets;
using Cloudy.LoadTest.Net;

namespace Cloudy.LoadTest.Tests;

public sealed class LoopbackGuardTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/")]
    [InlineData("http://127.200.3.4:9000/x", "http://127.200.3.4:9000/")]
    [InlineData("http://localhost:8080", "http://127.0.0.1:8080/")]
    [InlineData("https://[::1]:8443", "https://[::1]:8443/")]
    public void Resolve_LoopbackUrl_ReturnsIpUrl(string url, string expected) => Assert.Equal(expected, LoopbackGuard.Resolve(url).ToString());

    [Theory]
    [InlineData("http://10.0.0.1:8080")]
    [InlineData("http://192.168.1.2")]
    [InlineData("http://example.com")]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://[::ffff:10.0.0.1]:80")]
    [InlineData("http://localhost.example.com")]
    [InlineData("ftp://127.0.0.1")]
    [InlineData("not a url")]
    [InlineData("http://user:pw@127.0.0.1")]
    public void Resolve_NonLoopbackOrBadUrl_Throws(string url) => Assert.Throws<ArgumentException>(() => LoopbackGuard.Resolve(url));

    [Fact]
    public void Parse_NonLoopbackUrl_IsRefusedBeforeAnyRequest() =>
        Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["steady", "--url", "http://8.8.8.8:80"]));

    [Fact]
    public async Task CreateHandler_SourceAddress_ConnectionComesFromIt()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var http = new HttpClient(SourceAddresses.CreateHandler(SourceAddresses.At(3))) { Timeout = TimeSpan.FromSeconds(5) };
        var request = http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
        using var accepted = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(IPAddress.Parse("127.10.0.4"), ((IPEndPoint)accepted.RemoteEndPoint!).Address);
        accepted.Send("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"u8);
        using var response = await request;
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
