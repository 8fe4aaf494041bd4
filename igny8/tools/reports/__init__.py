"""White-label monthly reports: charts as inline SVG, the HTML page, and its PDF."""
