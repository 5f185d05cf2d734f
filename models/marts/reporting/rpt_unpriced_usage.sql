{#
    Billable attempts without a price (unknown model, no price in force, or an ambiguous price book): never
    costed as zero, so counted here with what they put at risk. cost_at_risk_usd is an upper bound: the
    tokens at the highest input and output rates of the provider's standard prices in force that day.
#}
with

priced as (
    select * from {{ ref('int_attempts_priced') }}
    where is_billable and pricing_status <> 'priced'
),

model_prices as (
    select * from {{ ref('int_model_prices_resolved') }}
    where processing = 'standard' and service_tier = 'default'
),

highest_rates as (
    select
        priced.request_id,
        max(model_prices.input_usd_per_token) as input_usd_per_token,
        max(model_prices.output_usd_per_token) as output_usd_per_token
    from priced
    inner join model_prices
        on
            priced.provider = model_prices.provider
            and priced.requested_at >= model_prices.valid_from
            and priced.requested_at < model_prices.valid_to
    group by 1
),

at_risk as (
    select
        priced.billing_month,
        priced.provider,
        priced.selected_model,
        priced.billable_model,
        priced.pricing_status,
        priced.owner_team,
        priced.input_tokens + priced.cache_read_tokens + priced.cache_write_tokens
        + priced.cache_write_1h_tokens as all_input_tokens,
        priced.output_tokens,
        priced.provider_reported_cost_usd,
        {{ token_cost_usd(
            'priced.input_tokens + priced.cache_read_tokens + priced.cache_write_tokens'
            ~ ' + priced.cache_write_1h_tokens',
            'highest_rates.input_usd_per_token'
        ) }}
        + {{ token_cost_usd('priced.output_tokens', 'highest_rates.output_usd_per_token') }} as cost_at_risk_usd
    from priced
    left join highest_rates
        on priced.request_id = highest_rates.request_id
),

summed as (
    select
        billing_month,
        provider,
        selected_model,
        billable_model,
        pricing_status,
        owner_team,
        count(*) as attempt_count,
        sum(all_input_tokens) as input_tokens,
        sum(output_tokens) as output_tokens,
        sum(provider_reported_cost_usd) as provider_reported_cost_usd,
        sum(cost_at_risk_usd) as cost_at_risk_usd
    from at_risk
    group by 1, 2, 3, 4, 5, 6
)

select * from summed
