"""Benchmarks at agency scale (issue 8): the generator (bench.seed), the floors (bench.floors), the bare
check-in view (bench.views, wired only by flexwork.settings.bench) and the runner (bench/run.py)."""
