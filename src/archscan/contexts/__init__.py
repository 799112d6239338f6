"""Candidate bounded contexts: signal graphs, fusion, Leiden clustering, naming, quality."""
