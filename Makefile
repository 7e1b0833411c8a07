# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test setup lint format load check-deploy benchmark serve backup restore clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet ".[dev]"
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_kb
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

load: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_kb

test: setup
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest --durations=8 $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-deploy: setup
	DEBUG=false SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# A consistent copy of the whole database, safe while the site runs, in backups/.
backup: setup
	$(BIN)/python manage.py backup_kb

# make restore FILE=backups/ccpcj-kb-...: asks first, then migrates an older backup forward.
restore: setup
	$(if $(FILE),,$(error Say which backup to restore: make restore FILE=backups/ccpcj-kb-YYYYMMDD-HHMMSS.sqlite3 (or .dump on PostgreSQL)))
	$(BIN)/python manage.py restore_kb "$(FILE)"
	$(BIN)/python manage.py migrate --noinput

# Removes what `make setup` rebuilds; never the database or the backups.
clean:
	rm -rf $(VENV) staticfiles .cache .benchmark

# Every page shape served by gunicorn and measured with wrk, as ratios to bare Django.
benchmark: setup
	$(BIN)/python benchmarks/bench_pages.py

# As in production: DEBUG off (SECRET_KEY and ALLOWED_HOSTS from the environment), static files
# collected, gunicorn with workers from the CPU count (ccpcj_kb/gunicorn.py), on PORT.
serve: setup
	DEBUG=false $(BIN)/python manage.py collectstatic --noinput -v0
	DEBUG=false $(BIN)/python manage.py migrate --noinput
	DEBUG=false PORT=$(PORT) $(BIN)/gunicorn -c python:ccpcj_kb.gunicorn ccpcj_kb.wsgi
