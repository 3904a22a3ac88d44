using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Cloudy.ServiceDefaults.Tests;

public sealed class ProblemDetailsTests
{
    public sealed record Payload(string Name, int Count);

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"name\": 5, \"count\": \"x\"}")]
    [InlineData("")]
    public async Task Post_MalformedJsonBody_Returns400ProblemDetails(string body)
    {
        await using var host = await DefaultsHost.StartAsync(map: MapPayloadEndpoint);

        using var response = await host.Client.PostAsync("/payload", new StringContent(body, Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_ValidJsonBody_Returns200()
    {
        await using var host = await DefaultsHost.StartAsync(map: MapPayloadEndpoint);

        using var response = await host.Client.PostAsJsonAsync("/payload", new Payload("a", 2));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("a:2", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_QueryParameterOfWrongType_Returns400ProblemDetails()
    {
        await using var host = await DefaultsHost.StartAsync(map: app => app.MapGet("/items", (int page) => page));

        using var response = await host.Client.GetAsync("/items?page=abc");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Post_BodyOverServerLimit_Returns413ProblemDetails()
    {
        await using var host = await DefaultsHost.StartAsync(
            configure: b => b.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = 64),
            map: MapPayloadEndpoint);

        using var response = await host.Client.PostAsync("/payload",
            new StringContent($"{{\"name\":\"{new string('x', 500)}\",\"count\":1}}", Encoding.UTF8, "application/json"));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Get_UnknownRoute_Returns404ProblemDetails()
    {
        await using var host = await DefaultsHost.StartAsync();

        using var response = await host.Client.GetAsync("/v1/nothing-here");

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Get_HandlerThrows_Returns500ProblemDetailsWithoutExceptionText()
    {
        await using var host = await DefaultsHost.StartAsync(
            map: app => app.MapGet("/boom", string () => throw new InvalidOperationException("secret-internal-detail")));

        using var response = await host.Client.GetAsync("/boom");

        var body = await AssertProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("secret-internal-detail", body, StringComparison.Ordinal);
    }

    private static void MapPayloadEndpoint(WebApplication app) =>
        app.MapPost("/payload", (Payload payload) => Results.Text($"{payload.Name}:{payload.Count}"));

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal((int)expected, json.RootElement.GetProperty("status").GetInt32());
        Assert.True(json.RootElement.TryGetProperty("title", out _));
        return body;
    }
}
