# ukrun: `make demo` and `make test` do everything on a fresh Debian 12 machine (as root).
SHELL     := /bin/bash
GO        ?= go
BIN       := bin
GOFLAGS_STATIC := CGO_ENABLED=0
# ukrun's encoding/json runs on its json/v2 implementation (experimental in
# Go 1.26, planned as the default): a type's first decode builds less, 0.4
# ms of a create. Not the other binaries: they decode little, and v2's code
# adds 550 KiB to each. The unit tests run on both.
JSONV2    := GOEXPERIMENT=jsonv2
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: all build deps demo test unit integration e2e conformance kernel bench fuzz vet clean

all: build

deps:
	@scripts/install-deps.sh

build:
	$(JSONV2) $(GOFLAGS_STATIC) $(GO) build -tags urfave_cli_no_docs -o $(BIN)/ukrun ./cmd/ukrun
	$(GOFLAGS_STATIC) $(GO) build -trimpath -ldflags "-s -w" -o $(BIN)/ukrun-monitor ./cmd/ukrun-monitor
	$(GO) build -o $(BIN)/containerd-shim-ukrun-v2 ./cmd/containerd-shim-ukrun-v2
	$(GOFLAGS_STATIC) $(GO) build -trimpath -ldflags "-s -w" -o $(BIN)/ukinit ./cmd/ukinit
	$(GOFLAGS_STATIC) $(GO) build -tags urfave_cli_no_docs -o $(BIN)/ukrun-pack ./cmd/ukrun-pack
	$(GOFLAGS_STATIC) $(GO) build -trimpath -ldflags "-s -w" -o $(BIN)/testapp ./test/testapp
	$(GO) build -o $(BIN)/fakevmm ./test/fakevmm

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l cmd internal test)" || { gofmt -l cmd internal test; echo "gofmt needed"; exit 1; }

unit:
	$(GO) test -count=1 ./internal/... ./cmd/... ./kernel/... ./test/bench/
	$(JSONV2) $(GO) test -count=1 ./internal/... ./cmd/ukrun/

# Fuzz each parser briefly; `make fuzz FUZZTIME=5m` for longer.
FUZZTIME ?= 5s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/config
	$(GO) test -run '^$$' -fuzz '^FuzzParseVM$$' -fuzztime $(FUZZTIME) ./internal/oci
	$(GO) test -run '^$$' -fuzz '^FuzzParseURunc$$' -fuzztime $(FUZZTIME) ./internal/oci

integration: build
	$(GO) test -count=1 -p 1 -timeout 40m -v ./test/integration/ 2>&1 | tee $(BIN)/integration.log | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic)' ; \
	  exit $${PIPESTATUS[0]}

# Through a containerd of the tests' own (Debian's 1.6) and ctr.
e2e: build
	$(GO) test -count=1 -p 1 -timeout 30m -v ./test/e2e/ 2>&1 | tee $(BIN)/e2e.log | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic)' ; \
	  exit $${PIPESTATUS[0]}

test: deps build vet unit
	$(MAKE) fuzz
	$(MAKE) integration
	$(MAKE) e2e

# runtime-tools v0.9.0 lifecycle tests against runc and ukrun (VM bundles).
conformance: deps build
	scripts/conformance.sh

# ukrun's own guest kernel, cached; installed where ukrun picks it up.
kernel:
	@scripts/build-kernel.sh

demo: deps build
	scripts/demo.sh

bench: deps build kernel
	$(GO) run ./test/bench

clean:
	rm -rf $(BIN)
