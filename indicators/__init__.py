"""Næringsmål Akershus: the core library (no Streamlit here)."""
