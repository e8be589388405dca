"""Quarterly reporting: districts and towns enter figures (form, Excel, API), the office above
approves, locks and reopens; every change is validated and audited. Imports only models."""
