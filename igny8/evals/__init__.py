"""Quality evaluations run outside the default test run: `python -m igny8.evals.<name>`."""
