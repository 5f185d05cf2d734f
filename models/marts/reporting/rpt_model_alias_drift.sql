{#
    Logged model names that need a look, per month: unmapped (no alias and no price under that name), newly
    seen (first month in the logs), resolving to another billable model than the month before, or an
    expensive model (unit price above var expensive_model_min_usd_per_mtok) used in prod without a live
    approval in seeds/approved_models.csv. One row per month, provider and logged name with a reason.
#}
with

priced as (
    select * from {{ ref('int_attempts_priced') }}
    where is_billable
),

model_prices as (
    select * from {{ ref('int_model_prices_resolved') }}
    where processing = 'standard' and service_tier = 'default' and tier_min_input_tokens = 0
),

approved_models as (
    select * from {{ ref('approved_models') }}
),

flagged_attempts as (
    select
        priced.billing_month,
        priced.provider,
        priced.selected_model,
        priced.billable_model,
        priced.pricing_status,
        priced.is_model_aliased,
        priced.list_cost_usd,
        case
            when
                priced.environment = 'prod'
                and greatest(model_prices.input_usd_per_mtok, model_prices.output_usd_per_mtok)
                > {{ var('expensive_model_min_usd_per_mtok') }}
                and approved_models.model is null
                then 1
            else 0
        end as is_unapproved_expensive
    from priced
    left join model_prices
        on
            priced.provider = model_prices.provider
            and priced.billable_model = model_prices.model
            and priced.requested_at >= model_prices.valid_from
            and priced.requested_at < model_prices.valid_to
    left join approved_models
        on
            priced.provider = approved_models.provider
            and priced.billable_model = approved_models.model
            and priced.request_date >= approved_models.approved_on
            and (approved_models.expires_on is null or priced.request_date < approved_models.expires_on)
),

monthly as (
    select
        billing_month,
        provider,
        selected_model,
        min(billable_model) as billable_model,
        count(distinct billable_model) as billable_model_count,
        max(case when pricing_status = 'unknown_model' and not is_model_aliased then 1 else 0 end)
            as is_unmapped,
        count(*) as attempt_count,
        sum(is_unapproved_expensive) as unapproved_expensive_prod_attempts,
        sum(list_cost_usd) as list_cost_usd
    from flagged_attempts
    group by 1, 2, 3
),

first_seen as (
    select
        provider,
        selected_model,
        min(billing_month) as first_seen_month
    from monthly
    group by 1, 2
),

with_previous as (
    select
        monthly.*,
        first_seen.first_seen_month,
        previous_month.billable_model as previous_billable_model
    from monthly
    inner join first_seen
        on
            monthly.provider = first_seen.provider
            and monthly.selected_model = first_seen.selected_model
    left join monthly as previous_month
        on
            monthly.provider = previous_month.provider
            and monthly.selected_model = previous_month.selected_model
            and previous_month.billing_month = {{ dbt.dateadd('month', -1, 'monthly.billing_month') }}
),

reasons as (
    select
        billing_month,
        provider,
        selected_model,
        billable_model,
        previous_billable_model,
        first_seen_month,
        attempt_count,
        list_cost_usd,
        unapproved_expensive_prod_attempts,
        is_unmapped = 1 as is_unmapped,
        first_seen_month = billing_month as is_newly_seen,
        (
            billable_model_count > 1
            or (previous_billable_model is not null and previous_billable_model <> billable_model)
        ) as resolves_differently,
        unapproved_expensive_prod_attempts > 0 as is_unapproved_expensive
    from with_previous
),

listed as (
    select
        reasons.*,
        {{ dbt.concat([
            "case when is_unmapped then 'unmapped;' else '' end",
            "case when is_newly_seen then 'newly_seen;' else '' end",
            "case when resolves_differently then 'resolves_differently;' else '' end",
            "case when is_unapproved_expensive then 'unapproved_expensive;' else '' end",
        ]) }} as drift_reasons
    from reasons
    where is_unmapped or is_newly_seen or resolves_differently or is_unapproved_expensive
)

select * from listed
