"""Ray execution: fan-out of pipeline stages, resource routing, cluster configuration."""
