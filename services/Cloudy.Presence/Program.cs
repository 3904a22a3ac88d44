var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCloudyStore();
builder.AddCloudyEventBus();
builder.AddPresenceService();
var app = builder.Build();
app.MapDefaultEndpoints();
app.MapPresenceEndpoints();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
