using Cloudy.Edge;

// Content root = the app folder (its appsettings.json); data stays relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddEmbeddedDefaults();
builder.AddServiceDefaults();
builder.AddCloudyStore();
builder.AddCloudyEventBus();
builder.AddEdgePolicies();
builder.AddIdentityService();
builder.AddKeyDirectoryService();
builder.AddDeliveryService();
builder.AddPresenceService();
var app = builder.Build();
app.MapDefaultEndpoints();
app.UseEdgePolicies();
app.MapIdentityEndpoints();
app.MapKeyDirectoryEndpoints();
app.MapDeliveryEndpoints();
app.MapPresenceEndpoints();
app.LogStartupSummary();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
