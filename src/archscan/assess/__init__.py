"""The recommendation: signals -> readiness verdict (thresholds from rules/assessment.yaml),
and the strangler-fig extraction plan. Definitions and sources: docs/assessment.md."""
