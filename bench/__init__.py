"""Benchmarks: ratios against a baseline measured in the same run (these machines are noisy)."""
