"""The benchmark harness behind ``benchmarks/run``: corpora, tools, timing, reports."""
