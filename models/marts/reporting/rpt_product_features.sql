{#
    What a product owner reads, per billing month and feature: cost, attempts and requests, how many
    (hashed) tenants used it and how concentrated that is, the intent mix, and the success rate (attempts
    whose outcome is 'success'). Per-tenant figures: rpt_product_feature_tenants; launches:
    rpt_feature_launch_trends.
#}
with attempts as {{ inline_cte() }} (
    select
        billing_month,
        coalesce(feature, 'unallocated') as feature,
        coalesce(request_intent, 'none') as request_intent,
        tenant_id_hash,
        root_request_id,
        outcome_status,
        coalesce(list_cost_usd, 0) as list_cost_usd
    from {{ ref('fct_ai_requests') }}
),

tenants as (
    select * from {{ ref('rpt_product_feature_tenants') }}
),

intents as (
    select
        billing_month,
        feature,
        request_intent,
        count(*) as attempts
    from attempts
    group by billing_month, feature, request_intent
),

intent_shares as (
    select
        intents.*,
        cast(attempts as {{ type_double() }})
        / sum(attempts) over (partition by billing_month, feature) as share,
        row_number() over (partition by billing_month, feature order by attempts desc, request_intent asc) as intent_rank
    from intents
),

intent_mix as (
    select
        billing_month,
        feature,
        {{ dbt.listagg(
            dbt.concat(["request_intent", "' '", share_as_percent_text('share')]),
            "', '",
            "order by intent_rank",
            3
        ) }} as intent_mix
    from intent_shares
    group by billing_month, feature
),

monthly as (
    select
        billing_month,
        feature,
        count(*) as attempts,
        count(distinct root_request_id) as requests,
        count(distinct tenant_id_hash) as tenants,
        sum(list_cost_usd) as list_cost_usd,
        cast(sum(case when outcome_status = 'success' then 1 else 0 end) as {{ type_double() }})
        / count(*) as success_rate
    from attempts
    group by billing_month, feature
)

select
    monthly.billing_month,
    monthly.feature,
    coalesce(features.feature_name, monthly.feature) as feature_name,
    features.project_id,
    monthly.attempts,
    monthly.requests,
    monthly.list_cost_usd,
    monthly.list_cost_usd / nullif(monthly.requests, 0) as cost_per_request_usd,
    monthly.tenants,
    top_tenant.tenant_id_hash as top_tenant_hash,
    top_tenant.cost_share as top_tenant_cost_share,
    intent_mix.intent_mix,
    monthly.success_rate
from monthly
left join {{ ref('features') }} as features on monthly.feature = features.feature
left join intent_mix
    on monthly.billing_month = intent_mix.billing_month and monthly.feature = intent_mix.feature
left join tenants as top_tenant
    on
        monthly.billing_month = top_tenant.billing_month
        and monthly.feature = top_tenant.feature
        and top_tenant.tenant_rank = 1
