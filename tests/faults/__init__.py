"""Fault tests: Rush under failing servers, processes and payment providers."""
