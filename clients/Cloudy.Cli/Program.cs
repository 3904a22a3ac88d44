using Cloudy.Cli;

return await CloudyCli.RunAsync(args, CliContext.FromProcess());
