"""Risk monitoring and early discovery (监测): monitoring plans and points, sampling, spot checks, and the
statistical detection of unusual counts of risk information (`detection/`, no Django)."""
