{#
    The price book as the lookup uses it: one row per provider, billable model, version, request context
    (processing, service tier) and long-context tier range, with exact per-token prices. A component without
    a price of its own is billed as the providers (and genai-prices) bill it: cache reads and writes at the
    input rate, 1-hour writes at the 5-minute write rate, reasoning as output. price_book_id identifies the
    whole book's revision.
#}
with

model_prices as (
    select * from {{ ref('model_prices') }}
),

price_book as (
    select
        {{ dbt.hash(dbt.listagg(price_row_fingerprint(), "'~'", "order by " ~ price_row_fingerprint())) }}
            as price_book_id
    from model_prices
),

resolved as (
    select
        lower(model_prices.provider) as provider,
        model_prices.model,
        model_prices.price_version,
        model_prices.source as price_source,
        model_prices.source_model,
        model_prices.processing,
        model_prices.service_tier,
        model_prices.effective_from,
        model_prices.effective_to,
        cast(model_prices.effective_from as timestamp) as valid_from,
        coalesce(
            cast(model_prices.effective_to as timestamp), cast('{{ var("price_open_end") }}' as timestamp)
        ) as valid_to,
        model_prices.tier_min_input_tokens,
        model_prices.tier_max_input_tokens,
        model_prices.input_usd_per_mtok,
        model_prices.output_usd_per_mtok,
        {{ usd_per_token('model_prices.input_usd_per_mtok') }} as input_usd_per_token,
        {{ usd_per_token('coalesce(model_prices.cache_read_usd_per_mtok, model_prices.input_usd_per_mtok)') }}
            as cache_read_usd_per_token,
        {{ usd_per_token('coalesce(model_prices.cache_write_usd_per_mtok, model_prices.input_usd_per_mtok)') }}
            as cache_write_usd_per_token,
        {{ usd_per_token(
            'coalesce(model_prices.cache_write_1h_usd_per_mtok, model_prices.cache_write_usd_per_mtok, '
            ~ 'model_prices.input_usd_per_mtok)'
        ) }} as cache_write_1h_usd_per_token,
        {{ usd_per_token('model_prices.output_usd_per_mtok') }} as output_usd_per_token,
        case
            when model_prices.output_reasoning_usd_per_mtok is not null
                then {{ usd_per_token('model_prices.output_reasoning_usd_per_mtok') }}
        end as output_reasoning_usd_per_token,
        price_book.price_book_id
    from model_prices
    cross join price_book
)

select * from resolved
