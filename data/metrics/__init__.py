"""The metrics engine: pure functions from issue/transition frames to numbers (docs/metrics.md).

``frames`` reads a query's rows from SQLite and stores results; every other module is pure
(DataFrames in, DataFrames or frozen dataclasses out). ``report`` is the entry point the CLI and the
dashboard share.
"""
