"""算力周跟踪: the weekly note's data folder turned into a website's pages and assets."""
