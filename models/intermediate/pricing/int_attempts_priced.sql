{#
    List cost of each attempt at the price in force at its timestamp. The logged model name resolves to a
    billable model through the alias seed (effective-dated). The price row is the one of that provider and
    model with valid_from <= requested_at < valid_to, whose long-context tier range holds the attempt's total
    input tokens (uncached + cache read + cache writes: above a threshold every token pays the tier price),
    and whose request context (batch or standard processing, service tier) is the attempt's; a context
    without a price of its own uses the standard row, as genai-prices falls back from a price variant. No row
    means no cost (null), never zero, with the reason in pricing_status; so do two rows at once.

    Incremental: the attempts int_attempts_attributed rewrote since the last build. A change of the price
    book or the aliases (pricing_fingerprint) re-prices every attempt; an attempt key the upstream no longer
    has is deleted.
#}
{%- set fingerprint = registry_fingerprint(['model_prices', 'model_aliases'], ['price_open_end']) -%}
{%- set incremental_run = can_run_incrementally('priced_at', 'pricing_fingerprint', fingerprint) -%}
{{ config(
    materialized=request_grain_materialization(),
    incremental_strategy=request_grain_strategy(),
    unique_key='attempt_key',
    on_schema_change='append_new_columns',
    post_hook="{{ delete_keys_missing_upstream(ref('int_attempts_attributed'), 'attempt_key') }}",
) }}

with

-- Read twice below (through `resolved`): re-reading the table is cheaper than materializing every column.
attempts as {{ inline_cte() }} (
    select * from {{ ref('int_attempts_attributed') }}
    {%- if incremental_run %}
        where {{ built_since_last_run('attributed_at', 'priced_at') }}
    {%- endif %}
),

model_aliases as (
    select
        lower(provider) as provider,
        logged_model,
        billable_model,
        cast(coalesce(effective_from, cast('1970-01-01' as date)) as timestamp) as valid_from,
        coalesce(
            cast(effective_to as timestamp), cast('{{ var("price_open_end") }}' as timestamp)
        ) as valid_to
    from {{ ref('model_aliases') }}
),

model_prices as (
    select * from {{ ref('int_model_prices_resolved') }}
),

priced_models as (
    select distinct
        provider,
        model
    from model_prices
),

resolved as {{ inline_cte() }} (
    select
        attempts.*,
        coalesce(model_aliases.billable_model, attempts.selected_model) as billable_model,
        model_aliases.billable_model is not null as is_model_aliased,
        case when attempts.is_batch then 'batch' else 'standard' end as request_processing,
        coalesce(attempts.service_tier, 'default') as request_service_tier,
        attempts.input_tokens
        + attempts.cache_read_tokens
        + attempts.cache_write_tokens
        + attempts.cache_write_1h_tokens as total_input_tokens
    from attempts
    left join model_aliases
        on
            attempts.provider = model_aliases.provider
            and attempts.selected_model = model_aliases.logged_model
            and attempts.requested_at >= model_aliases.valid_from
            and attempts.requested_at < model_aliases.valid_to
),

{#
    The price rows get a small integer id, so that each attempt's candidates are narrow rows (attempt, price
    row, context match) counted by one aggregate, and the chosen row's prices are read from the small price
    book, not carried through a window and a join over every attempt.
#}
price_rows as (
    select
        row_number() over (
            order by provider, model, price_version, processing, service_tier, tier_min_input_tokens
        ) as price_row_id,
        model_prices.*
    from model_prices
),

candidates as (
    select
        resolved.request_id,
        price_rows.price_row_id,
        case
            when
                price_rows.processing = resolved.request_processing
                and price_rows.service_tier = resolved.request_service_tier
                then 1
            else 0
        end as context_match
    from resolved
    inner join price_rows
        on
            resolved.provider = price_rows.provider
            and resolved.billable_model = price_rows.model
            and resolved.requested_at >= price_rows.valid_from
            and resolved.requested_at < price_rows.valid_to
            and resolved.total_input_tokens >= price_rows.tier_min_input_tokens
            and (
                price_rows.tier_max_input_tokens is null
                or resolved.total_input_tokens <= price_rows.tier_max_input_tokens
            )
            and (
                (
                    resolved.request_processing = price_rows.processing
                    and resolved.request_service_tier = price_rows.service_tier
                )
                or (price_rows.processing = 'standard' and price_rows.service_tier = 'default')
            )
),

candidate_counts as (
    select
        request_id,
        sum(context_match) as context_candidates,
        sum(1 - context_match) as fallback_candidates,
        min(case when context_match = 1 then price_row_id end) as context_price_row_id,
        min(case when context_match = 0 then price_row_id end) as fallback_price_row_id
    from candidates
    group by request_id
),

-- A row of the attempt's own context wins over the standard fallback; two rows at the same level tie.
choices as (
    select
        request_id,
        case
            when context_candidates = 1 then context_price_row_id
            when context_candidates = 0 and fallback_candidates = 1 then fallback_price_row_id
        end as price_row_id,
        (context_candidates > 1 or (context_candidates = 0 and fallback_candidates > 1)) as is_ambiguous
    from candidate_counts
),

joined as (
    select
        resolved.*,
        chosen.price_version,
        chosen.price_source,
        chosen.processing as price_processing,
        chosen.service_tier as price_service_tier,
        chosen.tier_min_input_tokens as price_tier_min_input_tokens,
        chosen.input_usd_per_token,
        chosen.cache_read_usd_per_token,
        chosen.cache_write_usd_per_token,
        chosen.cache_write_1h_usd_per_token,
        chosen.output_usd_per_token,
        chosen.output_reasoning_usd_per_token,
        chosen.tier_min_input_tokens > 0 as is_long_context_tier,
        case
            when chosen.price_version is not null then 'priced'
            when choices.is_ambiguous then 'ambiguous_price'
            when priced_models.model is not null then 'no_price_in_force'
            else 'unknown_model'
        end as pricing_status
    from resolved
    left join choices
        on resolved.request_id = choices.request_id
    left join price_rows as chosen
        on choices.price_row_id = chosen.price_row_id
    left join priced_models
        on
            resolved.provider = priced_models.provider
            and resolved.billable_model = priced_models.model
),

costed as (
    select
        joined.*,
        {{ token_cost_usd('input_tokens', 'input_usd_per_token') }} as input_cost_usd,
        {{ token_cost_usd('cache_read_tokens', 'cache_read_usd_per_token') }} as cache_read_cost_usd,
        {{ token_cost_usd('cache_write_tokens', 'cache_write_usd_per_token') }} as cache_write_cost_usd,
        {{ token_cost_usd('cache_write_1h_tokens', 'cache_write_1h_usd_per_token') }}
            as cache_write_1h_cost_usd,
        {{ output_cost_usd('', '') }} as output_cost_usd,
        -- The outer casts keep the column type fixed where an engine widens CASE and + results (PostgreSQL).
        cast(
            case when price_version is not null then {{ reasoning_cost_usd('', '') }} end as decimal(28, 12)
        ) as reasoning_cost_usd
    from joined
),

totalled as (
    select
        costed.*,
        cast(
            input_cost_usd
            + cache_read_cost_usd
            + cache_write_cost_usd
            + cache_write_1h_cost_usd
            + output_cost_usd
            + reasoning_cost_usd
            as decimal(28, 12)
        ) as list_cost_usd,
        '{{ fingerprint }}' as pricing_fingerprint,
        {{ dbt.current_timestamp() }} as priced_at
    from costed
)

select * from totalled
