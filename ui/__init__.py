"""Streamlit-only building blocks: cached data access, state in the URL, widgets."""
