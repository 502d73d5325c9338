"""Authors' tools: new, import, check-published, demo (the CLI adapts them)."""
