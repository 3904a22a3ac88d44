var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCloudyStore();
builder.AddCloudyEventBus();
builder.AddDeliveryService();
var app = builder.Build();
app.MapDefaultEndpoints();
app.MapDeliveryEndpoints();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
