"""The HTTP API (FastAPI): accounts, sites, the WordPress plugin's endpoints and chat sessions."""
