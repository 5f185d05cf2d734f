{#
    Step 1 of the ledger: the priced fact summed to ledger lines, before any allocation. Every later step
    moves cost between these lines; none creates or loses a cent.
#}
with

requests as (
    select * from {{ ref('fct_ai_requests') }}
),

lines as (
    select
        billing_month,
        cost_center,
        owner_team,
        project_id,
        feature,
        provider,
        billable_model as model,
        count(*) as attempt_count,
        count(distinct root_request_id) as request_count,
        sum(case when is_retry then 1 else 0 end) as retry_attempt_count,
        sum(case when is_failed then 1 else 0 end) as failed_attempt_count,
        sum(case when pricing_status <> 'priced' then 1 else 0 end) as unpriced_attempt_count,
        sum(input_tokens) as input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens) as cache_write_tokens,
        sum(cache_write_1h_tokens) as cache_write_1h_tokens,
        sum(output_tokens) as output_tokens,
        sum(reasoning_tokens) as reasoning_tokens,
        coalesce(sum(list_cost_usd), 0) as list_cost_usd,
        coalesce(sum(case when is_retry then list_cost_usd end), 0) as retry_cost_usd,
        coalesce(sum(case when is_failed then list_cost_usd end), 0) as failed_cost_usd,
        coalesce(sum(case when is_retry or is_failed then list_cost_usd end), 0) as retry_or_failed_cost_usd
    from requests
    group by 1, 2, 3, 4, 5, 6, 7
)

select * from lines
