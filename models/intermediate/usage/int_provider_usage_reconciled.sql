{#
    Provider-reported tokens against the request-level attempts, per provider, UTC day and billable model,
    for each token kind: positive unlogged tokens are traffic the provider served that no request log
    shows (calls that bypassed the gateway, lost log files); negative means logs the provider did not bill.
    Only providers whose usage pages were loaded appear.
#}
{%- set kinds = ['input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'output_tokens'] -%}

with

provider_usage as (
    select
        provider,
        usage_date,
        billable_model,
        {%- for kind in kinds %}
            sum({{ kind }}) as provider_{{ kind }},
        {%- endfor %}
        sum(request_count) as provider_request_count
    from {{ ref('int_provider_usage_buckets') }}
    group by 1, 2, 3
),

model_aliases as (
    select
        provider,
        logged_model,
        billable_model
    from {{ ref('model_aliases') }}
    where effective_to is null
),

logged_usage as (
    select
        attempts.provider,
        attempts.request_date as usage_date,
        coalesce(model_aliases.billable_model, attempts.selected_model) as billable_model,
        {%- for kind in kinds %}
            sum(attempts.{{ kind }}) as logged_{{ kind }},
        {%- endfor %}
        count(*) as logged_attempts
    from {{ ref('int_usage_attempts_deduplicated') }} as attempts
    left join model_aliases
        on
            attempts.provider = model_aliases.provider
            and attempts.selected_model = model_aliases.logged_model
    where
        attempts.is_billable
        and attempts.provider in (select distinct provider_usage.provider from provider_usage)
    group by 1, 2, 3
),

compared as (
    select
        coalesce(provider_usage.provider, logged_usage.provider) as provider,
        coalesce(provider_usage.usage_date, logged_usage.usage_date) as usage_date,
        coalesce(provider_usage.billable_model, logged_usage.billable_model) as billable_model,
        {%- for kind in kinds %}
            coalesce(provider_usage.provider_{{ kind }}, 0) as provider_{{ kind }},
            coalesce(logged_usage.logged_{{ kind }}, 0) as logged_{{ kind }},
            coalesce(provider_usage.provider_{{ kind }}, 0) - coalesce(logged_usage.logged_{{ kind }}, 0)
                as unlogged_{{ kind }},
        {%- endfor %}
        provider_usage.provider_request_count,
        coalesce(logged_usage.logged_attempts, 0) as logged_attempts
    from provider_usage
    full outer join logged_usage
        on
            provider_usage.provider = logged_usage.provider
            and provider_usage.usage_date = logged_usage.usage_date
            and provider_usage.billable_model = logged_usage.billable_model
)

select * from compared
