{#
    At most one price row may be in force for a provider, model and request context at any moment and any
    total input size: rows of one context may not overlap both in time and in their tier range.
#}
with

prices as (
    select
        provider,
        model,
        price_version,
        processing,
        service_tier,
        tier_min_input_tokens,
        coalesce(tier_max_input_tokens, tier_min_input_tokens + 1000000000000) as tier_max_input_tokens,
        effective_from,
        coalesce(effective_to, cast('{{ var("price_open_end") }}' as date)) as effective_to
    from {{ ref('model_prices') }}
)

select
    earlier.provider,
    earlier.model,
    earlier.processing,
    earlier.service_tier,
    earlier.price_version,
    later.price_version as overlapping_version
from prices as earlier
inner join prices as later
    on
        earlier.provider = later.provider
        and earlier.model = later.model
        and earlier.processing = later.processing
        and earlier.service_tier = later.service_tier
        and (
            earlier.price_version < later.price_version
            or (
                earlier.price_version = later.price_version
                and earlier.tier_min_input_tokens < later.tier_min_input_tokens
            )
        )
        and earlier.effective_from < later.effective_to
        and earlier.effective_to > later.effective_from
        and earlier.tier_min_input_tokens <= later.tier_max_input_tokens
        and earlier.tier_max_input_tokens >= later.tier_min_input_tokens
