"""The site's assembly: every generated file of a build, cached by content hash, and the hook's work for MkDocs."""
