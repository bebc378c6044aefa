# Venture: `make run` serves the app with demo data; `make test` runs every test.
BIN := .venv/bin
export FLASK_APP := venture

.PHONY: run test check lint format setup

setup:
	@bash scripts/setup.sh run

# exports run in a background worker (`flask jobs work`), as in production; it stops with the server
run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask demo-data --if-empty
	@echo "Venture is at http://127.0.0.1:5000 (Ctrl+C stops it and its export worker)"
	@export JOB_RUNNER=worker; \
	$(BIN)/flask jobs work & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test:
	@bash scripts/setup.sh test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
