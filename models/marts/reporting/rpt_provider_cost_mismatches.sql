{#
    Attempts whose source reported a cost (gateway provider_reported_cost_usd) that differs from our list
    cost by more than the tolerance (the larger of var provider_cost_tolerance_usd and
    var provider_cost_tolerance_share of the reported cost), with the likely cause: the first alternative
    pricing that reproduces the reported figure. unknown_model (we have no price), cache_tokens (cache
    tokens billed at the input rate, or left out), tier (another long-context tier of the same version),
    price_context (another service tier or batch price of the same version), stale_price (another version of
    the model's price), else unexplained.
#}
with

priced as (
    select * from {{ ref('int_attempts_priced') }}
    where is_billable and provider_reported_cost_usd is not null
),

model_prices as (
    select * from {{ ref('int_model_prices_resolved') }}
),

tolerated as (
    select
        priced.*,
        greatest(
            cast({{ var('provider_cost_tolerance_usd') }} as decimal(28, 12)),
            cast({{ var('provider_cost_tolerance_share') }} as decimal(28, 12))
            * abs(priced.provider_reported_cost_usd)
        ) as tolerance_usd
    from priced
),

mismatched as (
    select * from tolerated
    where
        list_cost_usd is null
        or abs(list_cost_usd - provider_reported_cost_usd) > tolerance_usd
),

alternative_rows as (
    select
        mismatched.request_id,
        case
            when
                model_prices.price_version = mismatched.price_version
                and model_prices.processing = mismatched.price_processing
                and model_prices.service_tier = mismatched.price_service_tier
                then 'tier'
            when model_prices.price_version = mismatched.price_version then 'price_context'
            else 'stale_price'
        end as cause,
        {{ priced_tokens_cost_usd('mismatched', 'model_prices') }} as alternative_cost_usd
    from mismatched
    inner join model_prices
        on
            mismatched.provider = model_prices.provider
            and mismatched.billable_model = model_prices.model
    where
        (
            model_prices.price_version = mismatched.price_version
            and model_prices.processing = mismatched.price_processing
            and model_prices.service_tier = mismatched.price_service_tier
            and model_prices.tier_min_input_tokens <> mismatched.price_tier_min_input_tokens
        )
        or (
            model_prices.price_version = mismatched.price_version
            and (
                model_prices.processing <> mismatched.price_processing
                or model_prices.service_tier <> mismatched.price_service_tier
            )
            and mismatched.total_input_tokens >= model_prices.tier_min_input_tokens
            and (
                model_prices.tier_max_input_tokens is null
                or mismatched.total_input_tokens <= model_prices.tier_max_input_tokens
            )
        )
        or (
            model_prices.price_version <> mismatched.price_version
            and model_prices.processing = mismatched.price_processing
            and model_prices.service_tier = mismatched.price_service_tier
            and mismatched.total_input_tokens >= model_prices.tier_min_input_tokens
            and (
                model_prices.tier_max_input_tokens is null
                or mismatched.total_input_tokens <= model_prices.tier_max_input_tokens
            )
        )
),

cache_alternatives as (
    select
        request_id,
        'cache_tokens' as cause,
        {{ token_cost_usd(
            'input_tokens + cache_read_tokens + cache_write_tokens + cache_write_1h_tokens', 'input_usd_per_token'
        ) }}
        + output_cost_usd + reasoning_cost_usd as alternative_cost_usd
    from mismatched
    where pricing_status = 'priced'
    union all
    select
        request_id,
        'cache_tokens' as cause,
        input_cost_usd + output_cost_usd + reasoning_cost_usd as alternative_cost_usd
    from mismatched
    where pricing_status = 'priced'
),

explained as (
    select
        alternatives.request_id,
        min(
            case alternatives.cause
                when 'cache_tokens' then 1
                when 'tier' then 2
                when 'price_context' then 3
                else 4
            end
        ) as cause_rank
    from (
        select * from alternative_rows
        union all
        select * from cache_alternatives
    ) as alternatives
    inner join mismatched
        on alternatives.request_id = mismatched.request_id
    where
        abs(alternatives.alternative_cost_usd - mismatched.provider_reported_cost_usd)
        <= mismatched.tolerance_usd
    group by 1
),

reported as (
    select
        mismatched.request_id,
        mismatched.requested_at,
        mismatched.billing_month,
        mismatched.owner_team,
        mismatched.provider,
        mismatched.selected_model,
        mismatched.billable_model,
        mismatched.pricing_status,
        mismatched.price_version,
        mismatched.list_cost_usd,
        mismatched.provider_reported_cost_usd,
        mismatched.list_cost_usd - mismatched.provider_reported_cost_usd
            as cost_difference_usd,
        mismatched.tolerance_usd,
        case
            when mismatched.list_cost_usd is null then 'unknown_model'
            when explained.cause_rank = 1 then 'cache_tokens'
            when explained.cause_rank = 2 then 'tier'
            when explained.cause_rank = 3 then 'price_context'
            when explained.cause_rank = 4 then 'stale_price'
            else 'unexplained'
        end as likely_cause
    from mismatched
    left join explained
        on mismatched.request_id = explained.request_id
)

select * from reported
