{#
    Spend per owner team and month, ranked by effective cost: request count is not cost share. Shares of
    cost and of requests side by side show where a team's traffic is cheap or expensive.
#}
with

ledger as (
    select * from {{ ref('fct_chargeback_monthly') }}
),

teams as (
    select
        billing_month,
        owner_team,
        sum(request_count) as request_count,
        sum(attempt_count) as attempt_count,
        sum(list_cost_usd) as list_cost_usd,
        sum(net_cost_usd) as net_cost_usd,
        sum(effective_cost_usd) as effective_cost_usd,
        sum(retry_cost_usd) as retry_cost_usd,
        sum(failed_cost_usd) as failed_cost_usd
    from ledger
    group by 1, 2
),

shares as (
    select
        teams.*,
        effective_cost_usd / nullif(sum(effective_cost_usd) over (partition by billing_month), 0)
            as cost_share,
        cast(request_count as {{ type_double() }})
        / nullif(sum(request_count) over (partition by billing_month), 0) as request_share,
        rank() over (partition by billing_month order by effective_cost_usd desc) as cost_rank,
        rank() over (partition by billing_month order by request_count desc) as request_rank
    from teams
)

select * from shares
