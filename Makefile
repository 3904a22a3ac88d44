# Cloudy — developer entry points. Everything a target needs it installs itself.
SHELL := /bin/bash
URLS ?= http://127.0.0.1:8080
DATA_DIR ?= $(CURDIR)/.cloudy
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: run run-platform test build publish format load bench clean

## run: the embedded single process (all services, Garnet, in-process bus) on $(URLS)
run:
	dotnet run --project services/Cloudy.Embedded -c Release -- --urls $(URLS) --Cloudy:DataDir=$(DATA_DIR)

## run-platform: gateway + each service as its own process, Kafka mock cluster, a store
run-platform:
	deploy/local/run-platform.sh

## test: everything CI runs (deps, format check, build, all tests)
test:
	tests/scripts/run-tests.sh

build:
	dotnet build Cloudy.sln -c Release -nologo

## publish: dotnet publish every deployable into artifacts/publish/<component>
publish:
	deploy/publish.sh

## bench: protocol benchmarks (BenchmarkDotNet) beside libsignal's Node binding
bench:
	tests/Cloudy.Protocol.Benchmarks/run-bench.sh

## load: a short `steady` delivery load test against a fresh embedded server (JSON, Markdown, PNG in .cache/load)
load:
	tests/Cloudy.LoadTest/run-load.sh

format:
	dotnet format Cloudy.sln

clean:
	rm -rf artifacts .cache/test-results
	find services clients tests \( -name bin -o -name obj \) -type d -prune -exec rm -rf {} +
