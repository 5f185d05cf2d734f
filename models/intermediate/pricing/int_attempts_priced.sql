{#
    List cost of each attempt at the price in force at its timestamp. The logged model name resolves to a
    billable model through the alias seed; the effective-dated join [effective_from, effective_to) gives at
    most one price row (overlaps are caught by a test). A token kind with no price of its own is billed as
    the providers bill it: cache reads and writes at the input rate, 1-hour writes at the 5-minute write
    rate. No price row means no cost (null), never zero, with the reason in pricing_status.
#}
with

attempts as (
    select * from {{ ref('int_attempts_attributed') }}
),

model_aliases as (
    select
        lower(provider) as provider,
        logged_model,
        billable_model
    from {{ ref('model_aliases') }}
),

model_prices as (
    select
        lower(provider) as provider,
        model,
        price_version,
        source as price_source,
        cast(effective_from as timestamp) as valid_from,
        coalesce(
            cast(effective_to as timestamp), cast('{{ var("price_open_end") }}' as timestamp)
        ) as valid_to,
        {{ usd_per_token('input_usd_per_mtok') }} as input_usd_per_token,
        {{ usd_per_token('coalesce(cache_read_usd_per_mtok, input_usd_per_mtok)') }}
            as cache_read_usd_per_token,
        {{ usd_per_token('coalesce(cache_write_usd_per_mtok, input_usd_per_mtok)') }}
            as cache_write_usd_per_token,
        {{ usd_per_token(
            'coalesce(cache_write_1h_usd_per_mtok, cache_write_usd_per_mtok, input_usd_per_mtok)'
        ) }} as cache_write_1h_usd_per_token,
        {{ usd_per_token('output_usd_per_mtok') }} as output_usd_per_token
    from {{ ref('model_prices') }}
),

priced_models as (
    select distinct
        provider,
        model
    from model_prices
),

resolved as (
    select
        attempts.*,
        coalesce(model_aliases.billable_model, attempts.selected_model) as billable_model,
        model_aliases.billable_model is not null as is_model_aliased
    from attempts
    left join model_aliases
        on
            attempts.provider = model_aliases.provider
            and attempts.selected_model = model_aliases.logged_model
),

joined as (
    select
        resolved.*,
        model_prices.price_version,
        model_prices.price_source,
        model_prices.input_usd_per_token,
        model_prices.cache_read_usd_per_token,
        model_prices.cache_write_usd_per_token,
        model_prices.cache_write_1h_usd_per_token,
        model_prices.output_usd_per_token,
        case
            when model_prices.price_version is not null then 'priced'
            when priced_models.model is not null then 'no_price_in_force'
            else 'unknown_model'
        end as pricing_status
    from resolved
    left join model_prices
        on
            resolved.provider = model_prices.provider
            and resolved.billable_model = model_prices.model
            and resolved.requested_at >= model_prices.valid_from
            and resolved.requested_at < model_prices.valid_to
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
        {{ token_cost_usd('output_tokens', 'output_usd_per_token') }} as output_cost_usd
    from joined
),

totalled as (
    select
        costed.*,
        input_cost_usd
        + cache_read_cost_usd
        + cache_write_cost_usd
        + cache_write_1h_cost_usd
        + output_cost_usd as list_cost_usd
    from costed
)

select * from totalled
