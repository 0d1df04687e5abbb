# The two commands of the README. Each installs what it needs first (deploy/local/setup.sh).
.PHONY: run test

run:
	bash deploy/local/setup.sh
	PATH="$$HOME/.local/bin:$$PATH" uv run --frozen python deploy/local/devstack.py

test:
	bash deploy/local/setup.sh
	bash deploy/local/check.sh
