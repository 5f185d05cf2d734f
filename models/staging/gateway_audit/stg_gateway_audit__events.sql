{#
    Gateway audit events for blocked requests. The reason reads `<code>: <detail>`
    (missing_required_ai_attribution: cost_center); both parts are split out.
#}
with

source as (
    select * from {{ source('raw_gateway_audit', 'gateway_audit_events') }}
),

renamed as (
    select
        ---------- ids
        coalesce(
            event_id, {{ dbt.concat(["source_file", "':'", "cast(source_line as " ~ dbt.type_string() ~ ")"]) }}
        ) as event_id,
        request_id,
        api_key_id,
        tenant_id_hash,
        end_user_id_hash,

        ---------- event
        event_type,
        reason,
        trim({{ dbt.split_part('reason', "':'", 1) }}) as reason_code,
        nullif(trim({{ dbt.split_part('reason', "':'", 2) }}), '') as reason_detail,
        provider,
        requested_model,

        ---------- tags as logged (partial)
        tag_owner_team as owner_team_tag,
        tag_project_id as project_id_tag,
        tag_feature as feature_tag,
        tag_cost_center as cost_center_tag,
        tag_environment as environment_tag,
        tag_request_intent as request_intent,
        tag_service as service,

        ---------- timestamps
        timestamp_utc as blocked_at,

        ---------- lineage
        load_id,
        source_file,
        source_line,
        file_sha256,
        loaded_at
    from source
)

select * from renamed
