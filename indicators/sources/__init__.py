"""Connectors that fetch indicator data from outside sources (SSB's PxWebApi v2)."""
