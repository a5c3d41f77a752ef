"""Benchmarks that measure Rush against the classic way, printing figures and a last JSON line."""
