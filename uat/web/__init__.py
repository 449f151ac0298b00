"""Pages: the explorer (one offline HTML file) and the gallery (spec, build, README and index)."""
