"""Benchmarks and the load test at national scale (make bench, make load); never collected by make test."""
