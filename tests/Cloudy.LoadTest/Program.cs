using Cloudy.LoadTest;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message + Environment.NewLine + LoadOptions.Usage);
    return 2;
}

ThreadPool.SetMinThreads(Math.Max(16, Environment.ProcessorCount * 4), 16);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var (result, files) = await LoadRunner.RunAsync(options, cancel.Token);
Console.Error.WriteLine(Cloudy.LoadTest.Reporting.ReportWriter.Markdown(result));
Console.WriteLine(files.Json);
Console.WriteLine(files.Markdown);
Console.WriteLine(files.Png);
return result.Messages is { Lost: > 0 } ? 1 : 0;
