from igny8.cli import app

app()
