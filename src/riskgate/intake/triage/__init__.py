"""Triage suggestions for risk information (hazard, product category, probability of a serious risk) from linear
models trained on real RASFF data; `trained/` holds the shipped model files. Pure Python and NumPy: no Django."""
