{#
    Provider cost pages broken down by token kind and processing, where the page carries that detail: the
    Anthropic cost report grouped by description (token_type, service_tier) and the OpenAI costs page grouped
    by line item ("<model>, input" / "cached input" / "output", batch line items marked "batch"). Pages
    without the breakdown add nothing here. Read by fct_invoice_reconciliation to measure the cache-pricing
    and batch causes of a variance.
#}
with anthropic as (
    select
        provider,
        cast({{ dbt.date_trunc('month', 'bucket_start_at') }} as date) as billing_month,
        model,
        case token_type
            when 'uncached_input_tokens' then 'input'
            when 'cache_read_input_tokens' then 'cache_read'
            when 'cache_creation.ephemeral_5m_input_tokens' then 'cache_write_5m'
            when 'cache_creation.ephemeral_1h_input_tokens' then 'cache_write_1h'
            when 'output_tokens' then 'output'
            else 'other'
        end as token_kind,
        coalesce(service_tier = 'batch', false) as is_batch,
        cast(amount_usd as decimal(38, 12)) as amount_usd
    from {{ ref('stg_anthropic_usage__costs') }}
    where token_type is not null
),

openai as (
    select
        provider,
        cast({{ dbt.date_trunc('month', 'bucket_start_at') }} as date) as billing_month,
        trim({{ dbt.split_part('line_item', "','", 1) }}) as model,
        case
            when lower(line_item) like '%cached input%' then 'cache_read'
            when lower(line_item) like '%, input%' then 'input'
            when lower(line_item) like '%, output%' then 'output'
            else 'other'
        end as token_kind,
        lower(line_item) like '%batch%' as is_batch,
        cast(amount_usd as decimal(38, 12)) as amount_usd
    from {{ ref('stg_openai_usage__costs') }}
    where line_item like '%,%'
)

select * from anthropic
union all
select * from openai
