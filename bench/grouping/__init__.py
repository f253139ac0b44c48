"""Benchmark of the group optimiser: realistic generated problems, baselines, a Markdown table."""
