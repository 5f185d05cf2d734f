{#  At most one enforcement exception may be live for a project on any day. #}
select
    earlier.project_id,
    earlier.exception_id,
    later.exception_id as overlapping_exception_id
from {{ ref('enforcement_exceptions') }} as earlier
inner join {{ ref('enforcement_exceptions') }} as later
    on
        earlier.project_id = later.project_id
        and earlier.exception_id < later.exception_id
        and earlier.starts_on < later.expires_on
        and earlier.expires_on > later.starts_on
