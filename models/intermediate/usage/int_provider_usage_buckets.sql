{#
    Provider-side usage (OpenAI completions usage, Anthropic messages usage) as bucketed rows with disjoint
    token counts, the billable model (alias seed) and a coarse owner from the provider account registry
    (seeds/provider_accounts.csv): the bucket's API key when registered, else its project (OpenAI) or
    workspace (Anthropic). A bucket whose account is not registered is owned by `unallocated`.
#}
with

openai_buckets as (
    select
        provider,
        'project' as account_kind,
        provider_project_id as account_id,
        provider_api_key_id,
        model,
        is_batch,
        service_tier,
        input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cache_write_1h_tokens,
        output_tokens,
        request_count,
        bucket_start_at,
        bucket_end_at,
        source_file,
        source_line,
        result_position
    from {{ ref('stg_openai_usage__completions') }}
),

anthropic_buckets as (
    select
        provider,
        'workspace' as account_kind,
        provider_workspace_id as account_id,
        provider_api_key_id,
        model,
        is_batch,
        service_tier,
        input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cache_write_1h_tokens,
        output_tokens,
        cast(null as {{ dbt.type_bigint() }}) as request_count,
        bucket_start_at,
        bucket_end_at,
        source_file,
        source_line,
        result_position
    from {{ ref('stg_anthropic_usage__messages') }}
),

provider_accounts as (
    select
        provider,
        account_kind,
        account_id,
        owner_team,
        cost_center
    from {{ ref('provider_accounts') }}
),

model_aliases as (
    select
        provider,
        logged_model,
        billable_model
    from {{ ref('model_aliases') }}
    where effective_to is null
),

buckets as (
    select * from openai_buckets
    union all
    select * from anthropic_buckets
),

attributed as (
    select
        buckets.provider,
        buckets.account_kind,
        buckets.account_id,
        buckets.provider_api_key_id,
        buckets.model,
        coalesce(model_aliases.billable_model, buckets.model) as billable_model,
        buckets.is_batch,
        buckets.service_tier,
        coalesce(by_key.owner_team, by_account.owner_team, 'unallocated') as owner_team,
        coalesce(by_key.cost_center, by_account.cost_center, 'unallocated') as cost_center,
        case
            when by_key.owner_team is not null then 'api_key'
            when by_account.owner_team is not null then buckets.account_kind
            else 'unallocated'
        end as owner_source,
        buckets.input_tokens,
        buckets.cache_read_tokens,
        buckets.cache_write_tokens,
        buckets.cache_write_1h_tokens,
        buckets.output_tokens,
        buckets.request_count,
        cast({{ dbt.date_trunc('day', 'buckets.bucket_start_at') }} as date) as usage_date,
        buckets.bucket_start_at,
        buckets.bucket_end_at,
        buckets.source_file,
        buckets.source_line,
        buckets.result_position
    from buckets
    left join provider_accounts as by_key
        on
            buckets.provider = by_key.provider
            and by_key.account_kind = 'api_key'
            and buckets.provider_api_key_id = by_key.account_id
    left join provider_accounts as by_account
        on
            buckets.provider = by_account.provider
            and buckets.account_kind = by_account.account_kind
            and buckets.account_id = by_account.account_id
    left join model_aliases
        on
            buckets.provider = model_aliases.provider
            and buckets.model = model_aliases.logged_model
)

select * from attributed
