{#
    Showback or chargeback, per owner team and month, by the SPEC thresholds (vars
    chargeback_min_attributable_share, chargeback_max_reconciliation_variance) and the rule that every
    production key has a named owner. Reads the priced fact, the key registry and the invoice variance.
#}
with

requests as {{ inline_cte() }} (
    select
        billing_month,
        owner_team,
        attribution_status,
        api_key_id,
        provider,
        coalesce(list_cost_usd, 0) as list_cost_usd
    from {{ ref('fct_ai_requests') }}
),

api_keys as (
    select * from {{ ref('api_keys') }}
),

owner_teams as (
    select owner_team from {{ ref('owner_teams') }}
),

invoice_variance as (
    select * from {{ ref('int_invoice_variance') }}
),

months as (
    select distinct billing_month from requests
),

charged as (
    select
        billing_month,
        owner_team,
        sum(list_cost_usd) as charged_list_cost_usd,
        sum(
            case when attribution_status in ('attributed', 'derived') then list_cost_usd else 0 end
        ) as attributable_cost_usd
    from requests
    where owner_team <> 'unallocated'
    group by 1, 2
),

key_unallocated as (
    select
        requests.billing_month,
        api_keys.owner_team,
        sum(requests.list_cost_usd) as unallocated_cost_usd
    from requests
    inner join api_keys
        on requests.api_key_id = api_keys.api_key_id
    where requests.owner_team = 'unallocated'
    group by 1, 2
),

production_keys as (
    select
        owner_team,
        count(*) as production_keys,
        sum(case when coalesce(trim(named_owner), '') = '' then 1 else 0 end) as production_keys_without_owner
    from api_keys
    where environment = 'prod'
    group by 1
),

team_variance as (
    select
        team_providers.billing_month,
        team_providers.owner_team,
        max(invoice_variance.variance_share) as max_reconciliation_variance
    from (
        select distinct
            billing_month,
            owner_team,
            provider
        from requests
        where owner_team <> 'unallocated'
    ) as team_providers
    left join invoice_variance
        on
            team_providers.provider = invoice_variance.provider
            and team_providers.billing_month = invoice_variance.billing_month
    group by 1, 2
),

team_months as (
    select
        months.billing_month,
        owner_teams.owner_team,
        coalesce(charged.charged_list_cost_usd, 0) as charged_list_cost_usd,
        coalesce(charged.attributable_cost_usd, 0) as attributable_cost_usd,
        case
            when charged.charged_list_cost_usd > 0
                then charged.attributable_cost_usd / charged.charged_list_cost_usd
        end as attributable_share,
        coalesce(key_unallocated.unallocated_cost_usd, 0) as unallocated_cost_usd,
        coalesce(production_keys.production_keys, 0) as production_keys,
        coalesce(production_keys.production_keys_without_owner, 0) as production_keys_without_owner,
        team_variance.max_reconciliation_variance
    from months
    cross join owner_teams
    left join charged
        on
            months.billing_month = charged.billing_month
            and owner_teams.owner_team = charged.owner_team
    left join key_unallocated
        on
            months.billing_month = key_unallocated.billing_month
            and owner_teams.owner_team = key_unallocated.owner_team
    left join production_keys
        on owner_teams.owner_team = production_keys.owner_team
    left join team_variance
        on
            months.billing_month = team_variance.billing_month
            and owner_teams.owner_team = team_variance.owner_team
),

checked as (
    select
        team_months.*,
        substr(
            {{ dbt.concat([
                "''",
                "case when coalesce(attributable_share, 0) < " ~ var('chargeback_min_attributable_share')
                ~ " then ',attributable share below " ~ var('chargeback_min_attributable_share') ~ "'"
                ~ " else '' end",
                "case when max_reconciliation_variance is null then ',no invoice to reconcile'"
                ~ " when max_reconciliation_variance >= " ~ var('chargeback_max_reconciliation_variance')
                ~ " then ',reconciliation variance at or above "
                ~ var('chargeback_max_reconciliation_variance') ~ "' else '' end",
                "case when production_keys_without_owner > 0"
                ~ " then ',production key without a named owner' else '' end",
            ]) }},
            2
        ) as blocking_reasons
    from team_months
),

final as (
    select
        checked.*,
        case when blocking_reasons = '' then 'chargeback' else 'showback' end as readiness_status
    from checked
)

select * from final
