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

bench: setup
	$(PY) -m bench

tokens: setup
	$(PY) -m services.common.tokens --help
