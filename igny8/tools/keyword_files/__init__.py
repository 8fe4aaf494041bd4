"""Keyword lists people already have (Search Console exports, SEO tools' CSVs, plain lists): reading them,
and filing each keyword under a blueprint's clusters."""
