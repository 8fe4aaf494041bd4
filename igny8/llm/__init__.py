"""Every model call goes through :mod:`igny8.llm.gateway` (LiteLLM underneath)."""

import os

# LiteLLM would fetch its model cost map from the internet at import time without this.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
