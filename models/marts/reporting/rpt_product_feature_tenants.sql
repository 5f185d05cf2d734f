{#
    Tenant usage of each feature per billing month, by salted tenant hash (raw tenant ids are never stored):
    attempts, cost, the tenant's share of the feature's cost and its rank. Attempts without a tenant are
    one row with a null hash.
#}
with usage as (
    select
        billing_month,
        coalesce(feature, 'unallocated') as feature,
        tenant_id_hash,
        count(*) as attempts,
        coalesce(sum(list_cost_usd), 0) as list_cost_usd
    from {{ ref('fct_ai_requests') }}
    group by billing_month, coalesce(feature, 'unallocated'), tenant_id_hash
)

select
    usage.*,
    cast(list_cost_usd as {{ type_double() }})
    / nullif(cast(sum(list_cost_usd) over (partition by billing_month, feature) as {{ type_double() }}), 0)
        as cost_share,
    row_number() over (
        partition by billing_month, feature
        order by case when tenant_id_hash is null then 1 else 0 end, list_cost_usd desc, tenant_id_hash asc
    ) as tenant_rank
from usage
