"""Monitoring: assessment results, the identification of ШНОР, indicator systems, risk profiles, dashboards."""
