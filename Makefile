.PHONY: dev test setup lint unit admin bench deploy lock clean

PY := functions/venv/bin/python
TEST_PROJECT := demo-portal-test
TESTS ?= ../tests

## make dev: install what is missing, start the emulators with the portal, seed demo data
dev:
	@scripts/setup.sh
	@scripts/dev.sh

## make test: install what is missing, then the whole suite (scripts/test.sh): the emulator tests in
## one emulator suite, lint and the unit tests beside them (TEST_PARTS=2: the browser tests and the
## others in two suites side by side; a part, alone: make test TESTS=../tests/api/test_projects.py
## PYTEST_ARGS=-x); a suite's log lines go to .cache/emulators-<part>.log, each part lists its 15
## slowest tests
test:
	@scripts/setup.sh --test
	@PYTEST_ARGS="$(PYTEST_ARGS)" scripts/test.sh $(TEST_PROJECT) "$(TESTS)"

setup:
	@scripts/setup.sh --test

lint:
	@$(PY) -m ruff check functions tests dev bench scripts
	@$(PY) -m ruff format --check functions tests dev bench scripts
	@cd functions && venv/bin/python -m mypy portal ../dev/standins

## make admin ARGS="user list": the admin CLI (emulators for demo- projects)
admin:
	@cd functions && venv/bin/python -m portal.cli $(ARGS)

## make bench: every benchmark in bench/ with the emulators started once, then one table of figures,
## baselines and targets (a short load run: make bench BENCH_ARGS=--quick)
bench:
	@scripts/setup.sh --test
	@scripts/emulators.sh exec --project $(TEST_PROJECT) "functions/venv/bin/python bench/run.py $(BENCH_ARGS)"

## make deploy STAGE=staging: deploy a stage (a .firebaserc alias), only the functions whose code changed
## since the last deploy there; PLAN=1 prints what it would deploy, offline; DEPLOY_ARGS=--all deploys all
STAGE ?= staging
deploy:
ifdef PLAN
	@python3 scripts/deploy.py --project $(STAGE) --plan $(DEPLOY_ARGS)
else
	@scripts/setup.sh
	@$(PY) scripts/deploy.py --project $(STAGE) $(DEPLOY_ARGS)
endif

## make lock: pin every Python dependency with hashes (requirements-dev.lock, functions/requirements.txt)
## from the .in files; UPGRADE=1 moves them to the newest versions allowed
lock:
	@UPGRADE=$(UPGRADE) scripts/lock.sh

clean:
	rm -rf node_modules functions/venv hosting/dist .cache
