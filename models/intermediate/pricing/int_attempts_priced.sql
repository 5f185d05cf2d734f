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

attempts as (
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

candidates as (
    select
        resolved.request_id,
        model_prices.price_version,
        model_prices.price_source,
        model_prices.processing as price_processing,
        model_prices.service_tier as price_service_tier,
        model_prices.tier_min_input_tokens as price_tier_min_input_tokens,
        model_prices.input_usd_per_token,
        model_prices.cache_read_usd_per_token,
        model_prices.cache_write_usd_per_token,
        model_prices.cache_write_1h_usd_per_token,
        model_prices.output_usd_per_token,
        model_prices.output_reasoning_usd_per_token,
        case
            when
                model_prices.processing = resolved.request_processing
                and model_prices.service_tier = resolved.request_service_tier
                then 1
            else 0
        end as context_match
    from resolved
    inner join model_prices
        on
            resolved.provider = model_prices.provider
            and resolved.billable_model = model_prices.model
            and resolved.requested_at >= model_prices.valid_from
            and resolved.requested_at < model_prices.valid_to
            and resolved.total_input_tokens >= model_prices.tier_min_input_tokens
            and (
                model_prices.tier_max_input_tokens is null
                or resolved.total_input_tokens <= model_prices.tier_max_input_tokens
            )
            and (
                (
                    resolved.request_processing = model_prices.processing
                    and resolved.request_service_tier = model_prices.service_tier
                )
                or (model_prices.processing = 'standard' and model_prices.service_tier = 'default')
            )
),

ranked as (
    -- One window: the first candidate wins unless the next one ties it on context (an ambiguous price).
    select
        candidates.*,
        row_number() over (
            partition by candidates.request_id
            order by candidates.context_match desc, candidates.price_version asc
        ) as candidate_rank,
        lead(candidates.context_match) over (
            partition by candidates.request_id
            order by candidates.context_match desc, candidates.price_version asc
        ) as next_context_match
    from candidates
),

first_candidates as (
    select
        *,
        coalesce(next_context_match = context_match, false) as is_tied
    from ranked
    where candidate_rank = 1
),

chosen as (
    select * from first_candidates
    where not is_tied
),

ambiguous as (
    select request_id from first_candidates
    where is_tied
),

joined as (
    select
        resolved.*,
        chosen.price_version,
        chosen.price_source,
        chosen.price_processing,
        chosen.price_service_tier,
        chosen.price_tier_min_input_tokens,
        chosen.input_usd_per_token,
        chosen.cache_read_usd_per_token,
        chosen.cache_write_usd_per_token,
        chosen.cache_write_1h_usd_per_token,
        chosen.output_usd_per_token,
        chosen.output_reasoning_usd_per_token,
        chosen.price_tier_min_input_tokens > 0 as is_long_context_tier,
        case
            when chosen.price_version is not null then 'priced'
            when ambiguous.request_id is not null then 'ambiguous_price'
            when priced_models.model is not null then 'no_price_in_force'
            else 'unknown_model'
        end as pricing_status
    from resolved
    left join chosen
        on resolved.request_id = chosen.request_id
    left join ambiguous
        on resolved.request_id = ambiguous.request_id
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
