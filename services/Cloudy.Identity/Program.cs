var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCloudyStore();
builder.AddCloudyEventBus();
builder.AddIdentityService();
var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIdentityEndpoints();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
