"""Rendering: Markdown pages, HTML fragments from templates, chart templates, the feed, the search dictionary."""
