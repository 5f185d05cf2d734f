{#
    Provider invoices vs the ledger, per provider and billing month: list cost from the ledger against the
    invoice's usage lines, the invoice-time discounts and credits, the variance in USD and percent, whether
    it is within tolerance (var reconciliation_tolerance_share), and the part of the variance explained by
    known causes:
      unpriced models  attempts billed by the provider that we could not price (their provider-reported
                       cost where the source has one);
      missing requests tokens the provider's usage pages show and no request log does, priced at the
                       month's realized list price of each model and token kind;
      cache pricing    what the provider's cost pages charge for cache reads and writes (standard
                       processing) against the ledger's cost of those tokens, net of the cache tokens already
                       counted as missing requests;
      batch            what the cost pages charge for batch processing against the ledger's cost of the
                       batch attempts;
      rounding         invoices round each usage line to the cent: at most half a cent per line.
    Cache pricing and batch are measured only where the cost pages break costs down by token kind
    (cost_detail_measured; Anthropic grouped by description, OpenAI by line item), else they are 0.
    The rest is unexplained and is what a reviewer investigates before posting; the causes and the rest
    add up to the variance exactly.
#}
{%- set kinds = {
    'input_tokens': 'input_cost_usd',
    'cache_read_tokens': 'cache_read_cost_usd',
    'cache_write_tokens': 'cache_write_cost_usd',
    'cache_write_1h_tokens': 'cache_write_1h_cost_usd',
    'output_tokens': 'output_cost_usd + coalesce(reasoning_cost_usd, 0)',
} -%}

with

variance as (
    select * from {{ ref('int_invoice_variance') }}
),

invoice_totals as (
    select * from {{ ref('int_invoice_totals') }}
),

invoice_lines as (
    select
        provider,
        billing_month,
        sum(case when line_type = 'usage' then 1 else 0 end) as usage_line_count
    from {{ ref('stg_invoices__lines') }}
    group by 1, 2
),

requests as (
    select
        provider,
        billing_month,
        count(*) as attempt_count,
        sum(case when pricing_status <> 'priced' then 1 else 0 end) as unpriced_attempt_count,
        coalesce(
            sum(case when pricing_status <> 'priced' then provider_reported_cost_usd end), 0
        ) as unpriced_reported_cost_usd
    from {{ ref('fct_ai_requests') }}
    group by 1, 2
),

ledger as (
    select
        provider,
        billing_month,
        sum(effective_cost_usd) as ledger_effective_cost_usd
    from {{ ref('fct_chargeback_monthly') }}
    group by 1, 2
),

unit_prices as (
    {# the list price each model and token kind was actually billed at in the month #}
    select
        provider,
        billing_month,
        billable_model,
        {%- for tokens, cost in kinds.items() %}
            cast(sum({{ cost }}) as {{ type_double() }}) / nullif(sum({{ tokens }}), 0) as {{ tokens }}_usd_per_token,
        {%- endfor %}
        count(*) as priced_attempts
    from {{ ref('fct_ai_requests') }}
    where pricing_status = 'priced'
    group by 1, 2, 3
),

unlogged as (
    select
        provider,
        cast({{ dbt.date_trunc('month', 'usage_date') }} as date) as billing_month,
        billable_model,
        {%- for tokens in kinds %}
            sum(unlogged_{{ tokens }}) as unlogged_{{ tokens }},
        {%- endfor %}
        count(*) as usage_days
    from {{ ref('int_provider_usage_reconciled') }}
    group by 1, 2, 3
),

missing_requests as (
    select
        unlogged.provider,
        unlogged.billing_month,
        sum(
            {%- for tokens in ['cache_read_tokens', 'cache_write_tokens', 'cache_write_1h_tokens'] %}
                coalesce(unlogged.unlogged_{{ tokens }} * unit_prices.{{ tokens }}_usd_per_token, 0)
                {{- " +" if not loop.last }}
            {%- endfor %}
        ) as missing_cache_usd,
        sum(
            {%- for tokens in kinds %}
                coalesce(unlogged.unlogged_{{ tokens }} * unit_prices.{{ tokens }}_usd_per_token, 0)
                {{- " +" if not loop.last }}
            {%- endfor %}
        ) as missing_requests_usd
    from unlogged
    inner join unit_prices
        on
            unlogged.provider = unit_prices.provider
            and unlogged.billing_month = unit_prices.billing_month
            and unlogged.billable_model = unit_prices.billable_model
    group by 1, 2
),

provider_detail as (
    select
        provider,
        billing_month,
        sum(
            case
                when not is_batch and token_kind in ('cache_read', 'cache_write_5m', 'cache_write_1h')
                    then amount_usd
                else 0
            end
        ) as provider_cache_usd,
        sum(case when is_batch then amount_usd else 0 end) as provider_batch_usd
    from {{ ref('int_provider_cost_lines') }}
    group by 1, 2
),

ledger_detail as (
    select
        provider,
        billing_month,
        coalesce(sum(
            case
                when not is_batch
                    then
                        coalesce(cache_read_cost_usd, 0) + coalesce(cache_write_cost_usd, 0)
                        + coalesce(cache_write_1h_cost_usd, 0)
            end
        ), 0) as ledger_cache_usd,
        coalesce(sum(case when is_batch then list_cost_usd end), 0) as ledger_batch_usd
    from {{ ref('fct_ai_requests') }}
    group by 1, 2
),

joined as (
    select
        variance.provider,
        variance.billing_month,
        variance.ledger_list_cost_usd,
        coalesce(ledger.ledger_effective_cost_usd, 0) as ledger_effective_cost_usd,
        coalesce(requests.attempt_count, 0) as attempt_count,
        coalesce(requests.unpriced_attempt_count, 0) as unpriced_attempt_count,
        invoice_totals.invoice_usage_usd,
        invoice_totals.invoice_discount_usd,
        invoice_totals.invoice_credit_usd,
        invoice_totals.invoice_tax_usd,
        invoice_totals.invoice_total_usd,
        invoice_totals.provider is not null as has_invoice,
        -- The variance and its causes at decimal(28, 12): a sum of six of them stays within 38 digits, so
        -- no engine drops scale mid-sum (Spark does at 38) and the causes add up to the variance exactly.
        cast(variance.variance_usd as decimal(28, 12)) as variance_usd,
        case
            when invoice_totals.invoice_usage_usd > 0
                then
                    cast(variance.variance_usd as {{ type_double() }})
                    / cast(invoice_totals.invoice_usage_usd as {{ type_double() }})
        end as variance_share,
        cast(coalesce(requests.unpriced_reported_cost_usd, 0) as decimal(28, 12)) as unpriced_models_usd,
        cast(coalesce(missing_requests.missing_requests_usd, 0) as decimal(28, 12)) as missing_requests_usd,
        provider_detail.provider is not null as cost_detail_measured,
        cast(
            case
                when provider_detail.provider is not null
                    then
                        provider_detail.provider_cache_usd - coalesce(ledger_detail.ledger_cache_usd, 0)
                        - coalesce(missing_requests.missing_cache_usd, 0)
                else 0
            end as decimal(28, 12)
        ) as cache_pricing_usd,
        cast(
            case
                when provider_detail.provider is not null
                    then provider_detail.provider_batch_usd - coalesce(ledger_detail.ledger_batch_usd, 0)
                else 0
            end as decimal(28, 12)
        ) as batch_usd,
        -- At the causes' scale: least/greatest over mixed decimal scales truncate on some engines.
        cast(coalesce(invoice_lines.usage_line_count, 0) * 0.005 as decimal(28, 12)) as rounding_bound_usd
    from variance
    left join invoice_totals
        on
            variance.provider = invoice_totals.provider
            and variance.billing_month = invoice_totals.billing_month
    left join invoice_lines
        on
            variance.provider = invoice_lines.provider
            and variance.billing_month = invoice_lines.billing_month
    left join requests
        on
            variance.provider = requests.provider
            and variance.billing_month = requests.billing_month
    left join ledger
        on
            variance.provider = ledger.provider
            and variance.billing_month = ledger.billing_month
    left join missing_requests
        on
            variance.provider = missing_requests.provider
            and variance.billing_month = missing_requests.billing_month
    left join provider_detail
        on
            variance.provider = provider_detail.provider
            and variance.billing_month = provider_detail.billing_month
    left join ledger_detail
        on
            variance.provider = ledger_detail.provider
            and variance.billing_month = ledger_detail.billing_month
),

explained as (
    select
        joined.*,
        {# the rounding a variance of this sign can hide, after the causes above #}
        case
            when variance_usd - unpriced_models_usd - missing_requests_usd - cache_pricing_usd - batch_usd > 0
                then least(
                    variance_usd - unpriced_models_usd - missing_requests_usd - cache_pricing_usd - batch_usd,
                    rounding_bound_usd
                )
            else greatest(
                variance_usd - unpriced_models_usd - missing_requests_usd - cache_pricing_usd - batch_usd,
                -rounding_bound_usd
            )
        end as rounding_usd
    from joined
),

final as (
    select
        explained.*,
        variance_usd - unpriced_models_usd - missing_requests_usd - cache_pricing_usd - batch_usd - rounding_usd
            as unexplained_usd,
        case
            when not has_invoice then 'no invoice'
            {%- set causes = [
                ('unpriced_models_usd', 'unpriced models'),
                ('missing_requests_usd', 'missing requests'),
                ('cache_pricing_usd', 'cache pricing'),
                ('batch_usd', 'batch'),
                ('rounding_usd', 'rounding'),
            ] %}
            {%- for column, label in causes %}
                when
                    {{ column }} <> 0
                    {%- for other, _ in causes if other != column %}
                        and abs({{ column }}) >= abs({{ other }})
                    {%- endfor %}
                    then '{{ label }}'
            {%- endfor %}
            else 'none'
        end as largest_explained_cause,
        has_invoice
        and abs(coalesce(variance_share, 0)) < {{ var('reconciliation_tolerance_share') }} as is_within_tolerance
    from explained
)

select * from final
