"""The one place where our provider ids meet genai-prices provider ids.

Logs name providers the way the gateway does (`aws_bedrock`, `azure_openai`); genai-prices names them `aws` and
`azure`. Every price row the sync writes uses our id, so the effective-dated join in dbt needs no mapping.
A genai-prices provider also serves other providers' models (Azure serves OpenAI models, Google serves Claude
through Vertex): those "fallback" models are priced as genai-prices prices them, and get rows under our id too.
"""

from __future__ import annotations

# our provider id -> genai-prices provider id
PROVIDER_IDS: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "google",
    "aws_bedrock": "aws",
    "azure_openai": "azure",
}

# The request contexts a log can carry: (is_batch, service_tier). genai-prices selects price variants with
# price_context {"processing": "batch"} and {"service_tier": ...}; the dbt lookup uses the same two columns.
SERVICE_TIERS: tuple[str, ...] = ("default", "priority", "flex")
PROCESSING_KINDS: tuple[str, ...] = ("standard", "batch")


def price_context(processing: str, service_tier: str) -> dict[str, str]:
    context = {"service_tier": service_tier}
    if processing == "batch":
        context["processing"] = "batch"
    return context
