{#
    How recently each source delivered: per source that has ever loaded a file, when its newest file was
    loaded and how many hours ago that is, against `source_freshness_max_hours` (default 36). Checked by the
    data contract rpt_source_freshness__sources_fresh (a warning: a late source is reported, not blocking).
    "Now" is the build time, or the var `freshness_as_of` ('YYYY-MM-DD HH:MM:SS', UTC) when set.
#}
{%- set as_of = var('freshness_as_of', none) %}
with manifest as (
    select * from {{ ref('stg_loader__load_manifest') }}
),

sources as (
    select
        source,
        count(*) as files_loaded,
        max(loaded_at) as last_file_loaded_at
    from manifest
    where load_status = 'loaded'
    group by source
),

clock as (
    select
        {%- if as_of %}
            cast('{{ as_of }}' as timestamp) as as_of
        {%- else %}
            cast({{ dbt.current_timestamp() }} as timestamp) as as_of
        {%- endif %}
)

select
    sources.source,
    sources.files_loaded,
    sources.last_file_loaded_at,
    clock.as_of,
    cast({{ dbt.datediff('sources.last_file_loaded_at', 'clock.as_of', 'second') }} as {{ type_double() }})
    / 3600 as hours_since_last_file,
    {{ var('source_freshness_max_hours') }} as max_hours,
    {{ dbt.datediff('sources.last_file_loaded_at', 'clock.as_of', 'second') }}
    <= {{ var('source_freshness_max_hours') }} * 3600 as is_fresh
from sources
cross join clock
