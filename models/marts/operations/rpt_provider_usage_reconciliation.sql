{#
    Provider-vs-ledger token reconciliation: per provider, UTC day and billable model, the tokens of each
    kind the provider's usage pages report, those the request logs show (attempts counted once), and the
    unlogged difference. Coarse owners of provider usage are in int_provider_usage_buckets.
#}
with

reconciled as (
    select * from {{ ref('int_provider_usage_reconciled') }}
),

final as (
    select
        provider,
        usage_date,
        billable_model,
        provider_input_tokens,
        logged_input_tokens,
        unlogged_input_tokens,
        provider_cache_read_tokens,
        logged_cache_read_tokens,
        unlogged_cache_read_tokens,
        provider_cache_write_tokens,
        logged_cache_write_tokens,
        unlogged_cache_write_tokens,
        provider_cache_write_1h_tokens,
        logged_cache_write_1h_tokens,
        unlogged_cache_write_1h_tokens,
        provider_output_tokens,
        logged_output_tokens,
        unlogged_output_tokens,
        provider_request_count,
        logged_attempts,
        (
            unlogged_input_tokens = 0
            and unlogged_cache_read_tokens = 0
            and unlogged_cache_write_tokens = 0
            and unlogged_cache_write_1h_tokens = 0
            and unlogged_output_tokens = 0
        ) as is_matched
    from reconciled
)

select * from final
