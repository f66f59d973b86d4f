"""Where articles come from: article files, web pages behind the URL guard, feeds, ingest and the extraction worker."""
