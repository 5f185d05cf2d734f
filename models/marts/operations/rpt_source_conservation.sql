{#
    Conservation per source: every record read from the landing files is a canonical attempt, a
    de-duplicated copy of one, a quarantined record, or a loaded row that is not an attempt (non-inference
    spans, usage buckets, blocked-request events). is_conserved says the four add up.
#}
with

counted as (
    select * from {{ ref('int_source_records_counted') }}
),

final as (
    select
        source,
        raw_records,
        canonical_rows,
        deduplicated_rows,
        quarantined_rows,
        non_attempt_rows,
        raw_records = canonical_rows + deduplicated_rows + quarantined_rows + non_attempt_rows as is_conserved
    from counted
)

select * from final
