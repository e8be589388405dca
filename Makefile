# The two commands a newcomer needs: `make demo` and `make test`. Nothing else, ever.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
# The demo serves as production does (DEBUG off: the portal's own error pages, static files
# collected), over plain HTTP on the loopback address, with a secret key kept in var/.
DEMO_KEY := var/demo-secret-key
DEMO_ENV = DEBUG=false PLAIN_HTTP=true ALLOWED_HOSTS=127.0.0.1,localhost SECRET_KEY="$$(cat $(DEMO_KEY))"

.PHONY: demo test install check serve lint

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON) 未找到）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

ECHARTS := static/vendor/echarts/echarts.min.js

# Charts are served from our own static files (intranet, no CDN): npm ci from the lockfile.
$(ECHARTS): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "需要 Node.js 和 npm（安装 ECharts 等前端资源；apt-get install nodejs npm）"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(dir $(ECHARTS))
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE $(dir $(ECHARTS))

install: $(STAMP) $(ECHARTS)

## make demo [PORT=8100]: install, migrate, load the real reference data and demo accounts, and
## serve on 127.0.0.1:$(PORT) (8000 unless given) as production would (DEBUG off).
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference
	$(PY) manage.py seed_demo
	@mkdir -p var && test -s $(DEMO_KEY) || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $(DEMO_KEY)
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole suite on the configured database (SQLite unless DATABASE_URL is set).
test: install
	$(PY) -m pytest

## make check: Django's checks, migrations in step with the models, ruff, and the import contracts
## of pyproject.toml (dependencies point one way: a wrong-way import fails here, and so in CI).
check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
