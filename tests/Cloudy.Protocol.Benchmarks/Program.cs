using BenchmarkDotNet.Running;

// Usage: dotnet run -c Release --project tests/Cloudy.Protocol.Benchmarks -- --job short --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Cloudy.Protocol.Benchmarks.BenchDevice).Assembly).Run(args);
