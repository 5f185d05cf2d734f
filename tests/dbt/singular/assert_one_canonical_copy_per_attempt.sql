{#
    Each attempt has exactly one canonical copy, from the best source present, one first copy per source
    system that logged it, and the copy and source counts every one of its copies carries.
#}
with

per_attempt as (
    select
        attempt_key,
        count(*) as copies,
        sum(case when is_canonical then 1 else 0 end) as canonical_copies,
        min(source_rank) as best_source_rank,
        max(case when is_canonical then source_rank end) as canonical_source_rank,
        sum(case when is_first_of_source then 1 else 0 end) as first_copies,
        min(copies_seen) as min_copies_seen,
        max(copies_seen) as max_copies_seen,
        min(sources_seen) as min_sources_seen,
        max(sources_seen) as max_sources_seen
    from {{ ref('int_usage_attempts_matched') }}
    group by 1
)

select * from per_attempt
where
    canonical_copies <> 1
    or canonical_source_rank <> best_source_rank
    or min_copies_seen <> copies
    or max_copies_seen <> copies
    or min_sources_seen <> max_sources_seen
    or first_copies <> max_sources_seen
