{#
    Step 3 of the ledger: direct lines plus the movements of step 2, one row per ledger line, then the
    provider's invoice-time discounts and credits allocated to the lines in proportion to their net list
    cost, in whole cents by largest remainder, so that per provider and month the allocated discounts add
    up to the invoice's discount and credit lines exactly.
#}
{%- set grain = ledger_grain() -%}

with

direct as (
    select * from {{ ref('int_ledger_lines_direct') }}
),

movements as (
    select * from {{ ref('int_ledger_movements') }}
),

invoice_totals as (
    select * from {{ ref('int_invoice_totals') }}
),

combined as (
    select
        {{ grain | join(', ') }},
        attempt_count,
        request_count,
        retry_attempt_count,
        failed_attempt_count,
        unpriced_attempt_count,
        input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cache_write_1h_tokens,
        output_tokens,
        reasoning_tokens,
        list_cost_usd,
        retry_cost_usd,
        failed_cost_usd,
        cast(0 as decimal(38, 12)) as allocated_in_usd,
        cast(0 as decimal(38, 12)) as allocated_out_usd
    from direct
    union all
    select
        {{ grain | join(', ') }},
        0 as attempt_count,
        0 as request_count,
        0 as retry_attempt_count,
        0 as failed_attempt_count,
        0 as unpriced_attempt_count,
        0 as input_tokens,
        0 as cache_read_tokens,
        0 as cache_write_tokens,
        0 as cache_write_1h_tokens,
        0 as output_tokens,
        0 as reasoning_tokens,
        cast(0 as decimal(38, 12)) as list_cost_usd,
        cast(0 as decimal(38, 12)) as retry_cost_usd,
        cast(0 as decimal(38, 12)) as failed_cost_usd,
        allocated_in_usd,
        allocated_out_usd
    from movements
),

lines as (
    select
        {{ grain | join(', ') }},
        sum(attempt_count) as attempt_count,
        sum(request_count) as request_count,
        sum(retry_attempt_count) as retry_attempt_count,
        sum(failed_attempt_count) as failed_attempt_count,
        sum(unpriced_attempt_count) as unpriced_attempt_count,
        sum(input_tokens) as input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens) as cache_write_tokens,
        sum(cache_write_1h_tokens) as cache_write_1h_tokens,
        sum(output_tokens) as output_tokens,
        sum(reasoning_tokens) as reasoning_tokens,
        sum(list_cost_usd) as list_cost_usd,
        sum(retry_cost_usd) as retry_cost_usd,
        sum(failed_cost_usd) as failed_cost_usd,
        sum(allocated_in_usd) as allocated_in_usd,
        sum(allocated_out_usd) as allocated_out_usd,
        sum(list_cost_usd) + sum(allocated_in_usd) - sum(allocated_out_usd) as net_cost_usd
    from combined
    group by 1, 2, 3, 4, 5, 6, 7
),

discount_recipients as (
    select
        lines.billing_month,
        lines.cost_center,
        lines.owner_team,
        lines.project_id,
        lines.feature,
        lines.provider,
        lines.model,
        {{ usd_to_cents('invoice_totals.invoice_discount_usd + invoice_totals.invoice_credit_usd') }}
            as total_cents,
        lines.net_cost_usd as weight
    from lines
    inner join invoice_totals
        on
            lines.provider = invoice_totals.provider
            and lines.billing_month = invoice_totals.billing_month
    where
        lines.net_cost_usd > 0
        and invoice_totals.invoice_discount_usd + invoice_totals.invoice_credit_usd <> 0
),

discounts as (
    {{ allocate_cents(
        'discount_recipients',
        ['billing_month', 'provider'],
        ['cost_center', 'owner_team', 'project_id', 'feature', 'model']
    ) }}
),

final as (
    select
        lines.*,
        coalesce(
            {{ cents_to_usd('discounts.allocation_sign * discounts.abs_allocated_cents') }},
            cast(0 as decimal(38, 2))
        ) as discount_usd
    from lines
    left join discounts
        on
            lines.billing_month = discounts.billing_month
            and lines.cost_center = discounts.cost_center
            and lines.owner_team = discounts.owner_team
            and lines.project_id = discounts.project_id
            and lines.feature = discounts.feature
            and lines.provider = discounts.provider
            and lines.model = discounts.model
)

select * from final
