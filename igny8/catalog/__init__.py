"""The industry catalog and sector attribute templates shipped as data, with their loader and validator."""
