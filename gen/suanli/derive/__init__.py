"""Derived tables: what each page and chart shows, computed from the loaded models (the as-of rule)."""
