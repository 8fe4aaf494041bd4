from igny8.cli import run

run()
