"""Reading observation files: dialects, xlsx, Open SDG, validation with messages for people."""

from indicators.ingest.reader import ReadResult, read_observations
from indicators.issues import Issue

__all__ = ["Issue", "ReadResult", "read_observations"]
