"""Locust scenarios replaying an opening morning: traces, seeding, the family user and its shape."""
