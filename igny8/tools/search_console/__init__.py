"""Google Search Console and IndexNow: OAuth (installed app and service account), search analytics with
paging, URL Inspection, the inspection queue's quota and priority rules, and the analyses maintenance acts on."""
