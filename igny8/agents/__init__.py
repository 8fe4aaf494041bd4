"""One module per agent role. Each receives its model gateway and tools through its constructor."""
