"""The site's assembly: every generated file of a build, cached by content hash, and the MkDocs plugin that builds it."""
