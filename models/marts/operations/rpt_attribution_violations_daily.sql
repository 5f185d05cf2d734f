{#
    Who sends badly tagged traffic: per day, resolved owner team and API key, the attempts with a missing or
    invalid required tag (and their cost), which tags, and the requests the gateway blocked for that key.
#}
with violations as (
    select
        request_date,
        coalesce(owner_team, 'unallocated') as owner_team,
        coalesce(api_key_id, 'none') as api_key_id,
        count(*) as violating_attempts,
        coalesce(sum(list_cost_usd), 0) as violating_cost_usd,
        sum(case when attribution_status = 'unallocated' then 1 else 0 end) as unallocated_attempts,
        max(missing_required_tags) as example_missing_tags,
        max(invalid_required_tags) as example_invalid_tags
    from {{ ref('fct_ai_requests') }}
    where coalesce(missing_required_tags, '') <> '' or coalesce(invalid_required_tags, '') <> ''
    group by request_date, coalesce(owner_team, 'unallocated'), coalesce(api_key_id, 'none')
),

blocked as (
    select
        cast(events.blocked_at as date) as request_date,
        coalesce(keys.owner_team, events.owner_team_tag, 'unallocated') as owner_team,
        coalesce(events.api_key_id, 'none') as api_key_id,
        count(*) as blocked_requests
    from {{ ref('stg_gateway_audit__events') }} as events
    left join {{ ref('api_keys') }} as keys on events.api_key_id = keys.api_key_id
    group by
        cast(events.blocked_at as date),
        coalesce(keys.owner_team, events.owner_team_tag, 'unallocated'),
        coalesce(events.api_key_id, 'none')
),

keys as (
    select
        request_date,
        owner_team,
        api_key_id
    from violations
    union
    select
        request_date,
        owner_team,
        api_key_id
    from blocked
)

select
    keys.request_date,
    keys.owner_team,
    keys.api_key_id,
    coalesce(violations.violating_attempts, 0) as violating_attempts,
    coalesce(violations.violating_cost_usd, 0) as violating_cost_usd,
    coalesce(violations.unallocated_attempts, 0) as unallocated_attempts,
    violations.example_missing_tags,
    violations.example_invalid_tags,
    coalesce(blocked.blocked_requests, 0) as blocked_requests
from keys
left join violations
    on
        keys.request_date = violations.request_date
        and keys.owner_team = violations.owner_team
        and keys.api_key_id = violations.api_key_id
left join blocked
    on
        keys.request_date = blocked.request_date
        and keys.owner_team = blocked.owner_team
        and keys.api_key_id = blocked.api_key_id
