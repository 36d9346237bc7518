"""Benchmarks at agency scale: the generator (bench.seed), the floors (bench.floors), the bare
check-in view (bench.views, wired only by flexwork.settings.bench) and the runner (bench/run.py)."""
