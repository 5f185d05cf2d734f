{#
    Per source: every record the loader read, and where it went. Records read (manifest) = quarantined
    (load_rejects) + loaded; loaded request-level copies are either the canonical copy of an attempt or a
    de-duplicated copy of one; the other loaded rows are not attempts (OTel spans that are not inference
    calls, provider usage and cost buckets, blocked-request events).
#}
with

manifest as (
    select
        source,
        sum(records_read) as raw_records
    from {{ ref('stg_loader__load_manifest') }}
    where load_status = 'loaded'
    group by 1
),

rejects as (
    select
        source,
        count(*) as quarantined_rows
    from {{ ref('stg_loader__load_rejects') }}
    group by 1
),

copies as (
    select
        source_system as source,
        sum(case when is_canonical then 1 else 0 end) as canonical_rows,
        sum(case when is_canonical then 0 else 1 end) as deduplicated_rows
    from {{ ref('int_usage_attempts_matched') }}
    group by 1
),

other_rows as (
    select
        'otel' as source,
        count(*) as non_attempt_rows
    from {{ ref('stg_otel__spans') }}
    where not is_inference
    union all
    select
        'openai_usage' as source,
        (select count(*) from {{ ref('stg_openai_usage__completions') }})
        + (select count(*) from {{ ref('stg_openai_usage__costs') }}) as non_attempt_rows
    union all
    select
        'anthropic_usage' as source,
        (select count(*) from {{ ref('stg_anthropic_usage__messages') }})
        + (select count(*) from {{ ref('stg_anthropic_usage__costs') }}) as non_attempt_rows
    union all
    select
        'gateway_audit' as source,
        count(*) as non_attempt_rows
    from {{ ref('stg_gateway_audit__events') }}
),

{# The sources this warehouse reads as usage evidence; invoices are reconciled elsewhere. #}
sources as (
    {%- for source in ['gateway', 'litellm', 'bedrock', 'otel', 'openai_usage', 'anthropic_usage', 'gateway_audit'] %}
        select '{{ source }}' as source
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

counted as (
    select
        sources.source,
        coalesce(manifest.raw_records, 0) as raw_records,
        coalesce(copies.canonical_rows, 0) as canonical_rows,
        coalesce(copies.deduplicated_rows, 0) as deduplicated_rows,
        coalesce(rejects.quarantined_rows, 0) as quarantined_rows,
        coalesce(other_rows.non_attempt_rows, 0) as non_attempt_rows
    from sources
    left join manifest
        on sources.source = manifest.source
    left join rejects
        on sources.source = rejects.source
    left join copies
        on sources.source = copies.source
    left join other_rows
        on sources.source = other_rows.source
)

select * from counted
