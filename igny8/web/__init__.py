"""The web app served by `igny8 serve` at `/`: sign-in, sites, chat-style site building and the dashboard.

The browser holds only an HttpOnly session cookie; its scripts call the same API the plugin uses through
the session bridge (``/app/api/...`` → ``/api/v1/...``), which adds the signed-in account's key server-side.
"""
