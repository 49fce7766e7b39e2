"""The framework's floor: one Plotly chart and nothing else, served by its own `streamlit run`."""

import plotly.express as px
import streamlit as st

st.plotly_chart(px.line(x=[1, 2, 3], y=[1, 3, 2]))
