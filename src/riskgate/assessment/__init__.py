"""Risk assessment (风险研判): quantified risk estimation first; assignment, panels, reports and confirmation follow."""
