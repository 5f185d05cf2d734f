{#  Allocation moves cost, never creates or loses it: per rule and month, in = out. #}
{{ config(meta={'dagster': {'ref': {'name': 'int_ledger_movements'}}}) }}

select
    rule_id,
    billing_month,
    sum(allocated_in_usd) as allocated_in_usd,
    sum(allocated_out_usd) as allocated_out_usd
from {{ ref('int_ledger_movements') }}
group by 1, 2
having sum(allocated_in_usd) <> sum(allocated_out_usd)
