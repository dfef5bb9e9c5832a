"""Prefect deployments of the daily evaluation, and serving them."""
