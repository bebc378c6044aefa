# Venture: `make run` serves the app with demo data; `make test` runs every test (after ruff and
# the import contracts of pyproject.toml's [tool.importlinter], checked by lint-imports).
BIN := .venv/bin
export FLASK_APP := venture

.PHONY: run test check lint format setup lock

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
	@scripts/stage.sh "set-up" bash scripts/setup.sh test
	@scripts/stage.sh "ruff" sh -c '$(BIN)/ruff check . && $(BIN)/ruff format --check .'
	@scripts/stage.sh "import contracts" $(BIN)/lint-imports --no-cache
	@scripts/stage.sh "tests on SQLite" $(BIN)/pytest -n auto

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# pin every runtime and test dependency, with hashes, to the newest versions pyproject.toml allows;
# commit requirements.lock, and `make test` installs exactly that
lock:
	@test -x .venv/bin/uv || $(BIN)/python -m pip install -q "uv>=0.5"
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --universal \
		--python-version 3.11 --quiet --output-file requirements.lock
