{#
    A billable attempt costs zero only when every token kind it used has a zero price: a zero must never
    stand in for a missing price or a lost component.
#}
{{ config(meta={'dagster': {'ref': {'name': 'fct_ai_requests'}}}) }}

with

facts as (
    select * from {{ ref('fct_ai_requests') }}
),

prices as (
    select * from {{ ref('int_attempts_priced') }}
)

select
    facts.request_id,
    facts.list_cost_usd
from facts
inner join prices
    on facts.request_id = prices.request_id
where
    facts.list_cost_usd = 0
    and (
        (facts.input_tokens > 0 and prices.input_usd_per_token > 0)
        or (facts.cache_read_tokens > 0 and prices.cache_read_usd_per_token > 0)
        or (facts.cache_write_tokens > 0 and prices.cache_write_usd_per_token > 0)
        or (facts.cache_write_1h_tokens > 0 and prices.cache_write_1h_usd_per_token > 0)
        or (facts.output_tokens > 0 and prices.output_usd_per_token > 0)
        or (facts.reasoning_tokens > 0 and prices.output_reasoning_usd_per_token > 0)
    )
