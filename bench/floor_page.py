"""The framework's floor: one Plotly chart and nothing else, served by its own `streamlit run`.

181 points, as many as the longest monthly series shipped (2B-04, 2011M01–2026M01).
"""

import plotly.express as px
import streamlit as st

st.plotly_chart(px.line(x=list(range(181)), y=[(i * 37) % 101 for i in range(181)]))
