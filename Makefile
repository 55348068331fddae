# One entry point for the everyday commands; see README.md.
VENV   ?= .venv
PY     := $(VENV)/bin/python
GEN    := protos/gen/python
PROTOS := $(shell find protos/callops -name '*.proto' | sort)

.PHONY: setup run run-demo test test-unit protos protos-check lint bench tokens

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e ".[dev]"

setup: $(PY)

run: setup
	$(PY) -m services.run

# The same, and loads the demo data set once every component is ready.
run-demo: setup
	$(PY) -m services.run --demo

test: setup
	$(PY) -m pytest

# OUT lets protos-check generate into a scratch directory.
OUT ?= $(GEN)
protos: setup
	rm -rf $(OUT)/callops && mkdir -p $(OUT)
	$(PY) -m grpc_tools.protoc -I protos -I protos/third_party \
	  --python_out=$(OUT) --pyi_out=$(OUT) --grpc_python_out=$(OUT) \
	  --plugin=protoc-gen-mypy_grpc=$(VENV)/bin/protoc-gen-mypy_grpc --mypy_grpc_out=quiet:$(OUT) \
	  $(PROTOS)
	find $(OUT)/callops -type d -exec touch {}/__init__.py \;

# Regenerates into a scratch directory and fails when the committed code differs.
protos-check: setup
	@tmp=$$(mktemp -d) && $(MAKE) -s protos OUT=$$tmp && \
	if diff -r $(GEN)/callops $$tmp/callops; then echo "protos: generated code is up to date"; rm -rf $$tmp; \
	else echo "protos: generated code is stale: run 'make protos' and commit" >&2; rm -rf $$tmp; exit 1; fi

lint: setup
	cd protos && buf lint
	$(VENV)/bin/ruff check services tests bench
	$(VENV)/bin/mypy

# The gRPC scenarios beside their echo ceiling, then the figures that are not RPC rates.
bench: setup
	$(PY) -m bench
	$(PY) -m bench.search_engine --documents 100000
	$(PY) -m bench.alerts_scan
	$(PY) -m bench.softphone_ringing

tokens: setup
	$(PY) -m services.common.tokens --help
