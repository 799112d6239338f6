"""Links between deployables: gRPC, HTTP, topics, manifests (docs/data-access.md)."""
