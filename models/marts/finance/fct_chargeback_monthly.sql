{#
    The monthly chargeback ledger: one line per billing month x cost center x owner team x project x
    feature x provider x model.
      list_cost_usd        what the line's own attempts cost at list price (sums fct_ai_requests);
      allocated_in/out_usd cost moved by the shared-cost rules and the retry policy;
      net_cost_usd         list + in - out;
      discount_usd         the line's share of the invoice's discounts and credits (negative);
      effective_cost_usd   net + discount: what the line really cost;
      charged_cost_usd     effective x the cost center's transfer multiplier (1 unless configured).
    Retry and failed-attempt cost are parts of list cost, shown apart. Unallocated lines stay unallocated.
    rule_ids lists every rule that moved money on or off the line.
#}
with

lines as (
    select * from {{ ref('int_ledger_lines_allocated') }}
),

movements as (
    select * from {{ ref('int_ledger_movements') }}
),

invoice_totals as (
    select * from {{ ref('int_invoice_totals') }}
),

transfer_multipliers as (
    select
        cost_center,
        cast(multiplier as decimal(18, 6)) as transfer_multiplier
    from {{ ref('transfer_multipliers') }}
),

line_rules as (
    select
        billing_month,
        cost_center,
        owner_team,
        project_id,
        feature,
        provider,
        model,
        {{ dbt.listagg('rule_id', "','", "order by rule_id") }} as rule_ids
    from (
        select distinct
            billing_month,
            cost_center,
            owner_team,
            project_id,
            feature,
            provider,
            model,
            rule_id
        from movements
    ) as distinct_rules
    group by 1, 2, 3, 4, 5, 6, 7
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            "cast(lines.billing_month as " ~ dbt.type_string() ~ ")", "'|'", "lines.cost_center", "'|'",
            "lines.owner_team", "'|'", "lines.project_id", "'|'", "lines.feature", "'|'", "lines.provider",
            "'|'", "lines.model"
        ])) }} as ledger_line_id,
        lines.billing_month,
        lines.cost_center,
        lines.owner_team,
        lines.project_id,
        lines.feature,
        lines.provider,
        lines.model,
        lines.attempt_count,
        lines.request_count,
        lines.retry_attempt_count,
        lines.failed_attempt_count,
        lines.unpriced_attempt_count,
        lines.input_tokens,
        lines.cache_read_tokens,
        lines.cache_write_tokens,
        lines.cache_write_1h_tokens,
        lines.output_tokens,
        lines.reasoning_tokens,
        lines.list_cost_usd,
        lines.retry_cost_usd,
        lines.failed_cost_usd,
        lines.allocated_in_usd,
        lines.allocated_out_usd,
        lines.net_cost_usd,
        lines.discount_usd,
        -- Summed and multiplied at decimal(28, 12) and (9, 6): every intermediate stays within 38 digits, so
        -- no engine rounds it (Spark drops scale past 38 digits), then stored at decimal(38, 12).
        cast(
            cast(lines.net_cost_usd as decimal(28, 12)) + cast(lines.discount_usd as decimal(28, 12))
            as decimal(38, 12)
        ) as effective_cost_usd,
        coalesce(transfer_multipliers.transfer_multiplier, 1) as transfer_multiplier,
        cast(
            (cast(lines.net_cost_usd as decimal(28, 12)) + cast(lines.discount_usd as decimal(28, 12)))
            * cast(coalesce(transfer_multipliers.transfer_multiplier, 1) as decimal(9, 6))
            as decimal(38, 12)
        ) as charged_cost_usd,
        {{ dbt.concat([
            "coalesce(line_rules.rule_ids, '')",
            "case when lines.discount_usd <> 0 then"
            ~ " case when line_rules.rule_ids is null then 'invoice_discount' else ',invoice_discount' end"
            ~ " else '' end",
        ]) }} as rule_ids,
        lines.owner_team = 'unallocated' as is_unallocated,
        lines.owner_team = 'platform-shared' as is_shared_bucket,
        invoice_totals.provider is not null as has_invoice
    from lines
    left join line_rules
        on
            lines.billing_month = line_rules.billing_month
            and lines.cost_center = line_rules.cost_center
            and lines.owner_team = line_rules.owner_team
            and lines.project_id = line_rules.project_id
            and lines.feature = line_rules.feature
            and lines.provider = line_rules.provider
            and lines.model = line_rules.model
    left join transfer_multipliers
        on lines.cost_center = transfer_multipliers.cost_center
    left join invoice_totals
        on
            lines.provider = invoice_totals.provider
            and lines.billing_month = invoice_totals.billing_month
)

select * from final
