"""An existing site measured against its blueprint's grid: pages mapped onto attribute values and clusters,
classified, and the gaps and problems found; then a proposal that adopts the pages that work."""
