"""Reading an existing site: an SSRF-guarded fetcher, robots.txt, sitemaps, page extraction and the crawler."""
