"""The content pipeline's work (SPEC §3): briefs, per-item stage work, review and export. The graph that
orders the stages is igny8/graphs/pipeline.py; fan-out is igny8/ray_cluster."""
