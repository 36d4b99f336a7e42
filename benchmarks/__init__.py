"""Benchmarks of osteokg at the scale its users work at; run with ``python -m benchmarks``."""
