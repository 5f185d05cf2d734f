{#
    Billable attempts without a price (unknown model, no price in force, ambiguous book). They are costed as
    null and listed in rpt_unpriced_usage; with var fail_on_unpriced_attempts = true they stop the build.
#}
{{ config(enabled=var('fail_on_unpriced_attempts'), severity='error') }}

select
    request_id,
    provider,
    billable_model,
    pricing_status
from {{ ref('fct_ai_requests') }}
where pricing_status <> 'priced'
