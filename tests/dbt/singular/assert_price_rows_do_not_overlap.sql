{#  At most one price row may be in force for a provider and model at any moment. #}
with

prices as (
    select
        provider,
        model,
        price_version,
        effective_from,
        coalesce(effective_to, cast('{{ var("price_open_end") }}' as date)) as effective_to
    from {{ ref('model_prices') }}
)

select
    earlier.provider,
    earlier.model,
    earlier.price_version,
    later.price_version as overlapping_version
from prices as earlier
inner join prices as later
    on
        earlier.provider = later.provider
        and earlier.model = later.model
        and earlier.price_version < later.price_version
        and earlier.effective_from < later.effective_to
        and earlier.effective_to > later.effective_from
