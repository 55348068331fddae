# One entry point for the everyday commands; see README.md.
VENV   ?= .venv
PY     := $(VENV)/bin/python
GEN    := protos/gen/python
PROTOS := $(shell find protos/callops -name '*.proto' | sort)

.PHONY: setup run test test-unit protos protos-check lint bench tokens

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c requirements.lock -e ".[dev]"

setup: $(PY)

run: setup
	$(PY) -m services.run

test: setup
	$(PY) -m pytest

protos: setup
	rm -rf $(GEN)/callops
	$(PY) -m grpc_tools.protoc -I protos -I protos/third_party \
	  --python_out=$(GEN) --pyi_out=$(GEN) --grpc_python_out=$(GEN) \
	  --plugin=protoc-gen-mypy_grpc=$(VENV)/bin/protoc-gen-mypy_grpc --mypy_grpc_out=$(GEN) \
	  $(PROTOS)
	find $(GEN)/callops -type d -exec touch {}/__init__.py \;

# Regenerates into a scratch copy and fails when the committed code differs.
protos-check: setup
	@tmp=$$(mktemp -d) && cp -r . $$tmp/src 2>/dev/null; \
	$(MAKE) -s -C $$tmp/src protos VENV=$(abspath $(VENV)) >/dev/null && \
	if diff -r $(GEN)/callops $$tmp/src/$(GEN)/callops; then echo "protos: generated code is up to date"; \
	else echo "protos: generated code is stale, run 'make protos' and commit" >&2; rm -rf $$tmp; exit 1; fi; rm -rf $$tmp

lint: setup
	cd protos && buf lint
	$(VENV)/bin/ruff check services tests bench
	$(VENV)/bin/mypy

bench: setup
	$(PY) -m bench

tokens: setup
	$(PY) -m services.common.tokens --help
