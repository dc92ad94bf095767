"""Helpers shared by the test modules (fixtures live in tests/conftest.py). No test module
imports another test module: what two of them need lives here."""
