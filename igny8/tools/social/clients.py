"""A client for a connected account of any network, built from settings (base URLs, versions, timeout)."""

from __future__ import annotations

from igny8.config import Settings
from igny8.tools.social.base import SocialClient
from igny8.tools.social.graph import FacebookPageClient, InstagramClient
from igny8.tools.social.linkedin import LinkedInClient
from igny8.tools.social.rules import Platform
from igny8.tools.social.tiktok import TikTokClient
from igny8.tools.social.x_client import XClient


def client_for(settings: Settings, platform: Platform, *, token: str, account_ref: str) -> SocialClient:
    timeout = settings.social_timeout_s
    if platform == "linkedin":
        return LinkedInClient(
            settings.social_linkedin_base_url,
            token,
            author_urn=account_ref,
            version=settings.social_linkedin_version,
            timeout_s=timeout,
        )
    if platform == "x":
        return XClient(settings.social_x_base_url, token, timeout_s=timeout)
    if platform == "facebook":
        return FacebookPageClient(
            settings.social_facebook_base_url,
            token,
            object_id=account_ref,
            version=settings.social_graph_version,
            timeout_s=timeout,
        )
    if platform == "instagram":
        return InstagramClient(
            settings.social_instagram_base_url,
            token,
            object_id=account_ref,
            version=settings.social_graph_version,
            timeout_s=timeout,
        )
    return TikTokClient(settings.social_tiktok_base_url, token, timeout_s=timeout)
