{#
    The ledger as FOCUS 1.2 Cost and Usage rows (ServiceCategory 'AI and Machine Learning', ServiceSubcategory
    'Generative AI'), read by `chargeback export focus`. Four kinds of row (x_RowSource):
      usage          per day, provider, model, token kind (one SKU each), price row and owner: tokens as
                     consumed and in the pricing unit (1M tokens), ListCost = ContractedCost = EffectiveCost =
                     BilledCost = list cost of those tokens;
      allocation     per ledger line, the net of its shared-cost movements (EffectiveCost only; they net to
                     zero per provider and month);
      discount       per ledger line, its share of invoice discounts and credits (ChargeCategory Credit);
      invoice        per provider invoice, its tax (Tax) and the difference between the invoice's usage lines
                     and the list cost of the logged usage (Adjustment; explained in fct_invoice_reconciliation).
    So ListCost sums to the ledger's list cost, EffectiveCost to its effective cost, and BilledCost to each
    invoice's total. x_ChargedCost applies the cost center's transfer multiplier, as the ledger does.
#}
{%- set kinds = [
    ('input', 'Input Tokens', 'input_tokens', 'input_cost_usd'),
    ('cache_read', 'Cache Read Input Tokens', 'cache_read_tokens', 'cache_read_cost_usd'),
    ('cache_write_5m', 'Cache Write Input Tokens (5 minutes)', 'cache_write_tokens', 'cache_write_cost_usd'),
    ('cache_write_1h', 'Cache Write Input Tokens (1 hour)', 'cache_write_1h_tokens', 'cache_write_1h_cost_usd'),
    ('output', 'Output Tokens', 'output_tokens', 'output_cost_usd + coalesce(reasoning_cost_usd, 0)'),
] -%}
-- Read once per token kind: each reading scans only its columns, none is materialized.
with attempts as {{ inline_cte() }} (
    select * from {{ ref('fct_ai_requests') }}
),

token_kinds as (
    {% for kind, meter, tokens, cost in kinds -%}
        select
            request_date,
            billing_month,
            provider,
            coalesce(billable_model, selected_model) as model,
            coalesce(price_version, 'unpriced') as price_version,
            coalesce(price_processing, 'standard') as price_processing,
            coalesce(price_service_tier, 'default') as price_service_tier,
            coalesce(is_long_context_tier, false) as is_long_context_tier,
            cost_center,
            owner_team,
            project_id,
            feature,
            environment,
            '{{ kind }}' as token_kind,
            '{{ meter }}' as sku_meter,
            {{ tokens }} as tokens,
            coalesce({{ cost }}, 0) as list_cost_usd
        from attempts
        where {{ tokens }} > 0
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

usage as (
    select
        request_date,
        billing_month,
        provider,
        model,
        price_version,
        price_processing,
        price_service_tier,
        is_long_context_tier,
        cost_center,
        owner_team,
        project_id,
        feature,
        environment,
        token_kind,
        sku_meter,
        sum(tokens) as tokens,
        cast(sum(list_cost_usd) as decimal(38, 12)) as list_cost_usd
    from token_kinds
    group by
        request_date, billing_month, provider, model, price_version, price_processing, price_service_tier,
        is_long_context_tier, cost_center, owner_team, project_id, feature, environment, token_kind, sku_meter
),

ledger as (
    select * from {{ ref('fct_chargeback_monthly') }}
),

reconciliation as (
    select * from {{ ref('fct_invoice_reconciliation') }}
    where has_invoice
),

invoices as (
    select
        provider,
        billing_month,
        min(invoice_id) as invoice_id
    from {{ ref('stg_invoices__lines') }}
    group by provider, billing_month
),

rows_of_all_kinds as (
    select
        'usage' as row_source,
        'Usage' as charge_category,
        cast(request_date as timestamp) as charge_period_start,
        cast({{ dbt.dateadd('day', 1, 'request_date') }} as timestamp) as charge_period_end,
        billing_month,
        provider,
        model,
        token_kind,
        sku_meter,
        price_version,
        price_processing,
        price_service_tier,
        is_long_context_tier,
        cost_center,
        owner_team,
        project_id,
        feature,
        environment,
        tokens,
        list_cost_usd,
        list_cost_usd as effective_cost_usd,
        list_cost_usd as billed_cost_usd,
        cast(null as {{ dbt.type_string() }}) as ledger_line_id,
        cast(null as {{ dbt.type_string() }}) as rule_ids
    from usage

    union all

    select
        'allocation' as row_source,
        'Adjustment' as charge_category,
        cast(billing_month as timestamp) as charge_period_start,
        cast({{ dbt.dateadd('month', 1, 'billing_month') }} as timestamp) as charge_period_end,
        billing_month,
        provider,
        model,
        null as token_kind,
        null as sku_meter,
        null as price_version,
        null as price_processing,
        null as price_service_tier,
        null as is_long_context_tier,
        cost_center,
        owner_team,
        project_id,
        feature,
        null as environment,
        null as tokens,
        cast(0 as decimal(38, 12)) as list_cost_usd,
        cast(allocated_in_usd - allocated_out_usd as decimal(38, 12)) as effective_cost_usd,
        cast(0 as decimal(38, 12)) as billed_cost_usd,
        ledger_line_id,
        rule_ids
    from ledger
    where allocated_in_usd <> allocated_out_usd

    union all

    select
        'discount' as row_source,
        'Credit' as charge_category,
        cast(billing_month as timestamp) as charge_period_start,
        cast({{ dbt.dateadd('month', 1, 'billing_month') }} as timestamp) as charge_period_end,
        billing_month,
        provider,
        model,
        null as token_kind,
        null as sku_meter,
        null as price_version,
        null as price_processing,
        null as price_service_tier,
        null as is_long_context_tier,
        cost_center,
        owner_team,
        project_id,
        feature,
        null as environment,
        null as tokens,
        cast(0 as decimal(38, 12)) as list_cost_usd,
        cast(discount_usd as decimal(38, 12)) as effective_cost_usd,
        cast(discount_usd as decimal(38, 12)) as billed_cost_usd,
        ledger_line_id,
        rule_ids
    from ledger
    where discount_usd <> 0

    union all

    select
        'invoice' as row_source,
        case when kind.is_tax then 'Tax' else 'Adjustment' end as charge_category,
        cast(reconciliation.billing_month as timestamp) as charge_period_start,
        cast({{ dbt.dateadd('month', 1, 'reconciliation.billing_month') }} as timestamp) as charge_period_end,
        reconciliation.billing_month,
        reconciliation.provider,
        null as model,
        null as token_kind,
        null as sku_meter,
        null as price_version,
        null as price_processing,
        null as price_service_tier,
        null as is_long_context_tier,
        null as cost_center,
        'unallocated' as owner_team,
        null as project_id,
        null as feature,
        null as environment,
        null as tokens,
        cast(0 as decimal(38, 12)) as list_cost_usd,
        cast(0 as decimal(38, 12)) as effective_cost_usd,
        -- each branch cast on its own: a CASE over decimals of different scales can round to the smaller
        case
            when kind.is_tax then cast(reconciliation.invoice_tax_usd as decimal(38, 12))
            else cast(reconciliation.invoice_usage_usd - reconciliation.ledger_list_cost_usd as decimal(38, 12))
        end as billed_cost_usd,
        null as ledger_line_id,
        null as rule_ids
    from reconciliation
    cross join (
        select true as is_tax
        union all
        select false as is_tax
    ) as kind
    where
        (kind.is_tax and reconciliation.invoice_tax_usd <> 0)
        or (not kind.is_tax and reconciliation.invoice_usage_usd <> reconciliation.ledger_list_cost_usd)
),

described as (
    select
        rows_of_all_kinds.*,
        invoices.invoice_id,
        accounts.account_id as sub_account_id,
        accounts.description as sub_account_name,
        coalesce(multipliers.multiplier, 1) as transfer_multiplier,
        case rows_of_all_kinds.provider
            when 'openai' then 'OpenAI'
            when 'anthropic' then 'Anthropic'
            when 'google' then 'Google'
            when 'aws_bedrock' then 'Amazon Web Services'
            when 'azure_openai' then 'Microsoft'
            else rows_of_all_kinds.provider
        end as provider_name,
        case rows_of_all_kinds.provider
            when 'openai' then 'OpenAI API'
            when 'anthropic' then 'Claude API'
            when 'google' then 'Gemini API'
            when 'aws_bedrock' then 'Amazon Bedrock'
            when 'azure_openai' then 'Azure OpenAI Service'
            else rows_of_all_kinds.provider
        end as service_name
    from rows_of_all_kinds
    left join invoices
        on
            rows_of_all_kinds.provider = invoices.provider
            and rows_of_all_kinds.billing_month = invoices.billing_month
    left join {{ ref('provider_accounts') }} as accounts
        on
            rows_of_all_kinds.provider = accounts.provider
            and rows_of_all_kinds.owner_team = accounts.owner_team
            and accounts.account_kind in ('project', 'workspace')
    left join {{ ref('transfer_multipliers') }} as multipliers
        on rows_of_all_kinds.cost_center = multipliers.cost_center
)


-- FOCUS column names are PascalCase and case-sensitive: they stay quoted.
-- noqa: disable=RF06
select
    billed_cost_usd as {{ adapter.quote('BilledCost') }},
    provider as {{ adapter.quote('BillingAccountId') }},
    {{ dbt.concat(["provider_name", "' billing account'"]) }} as {{ adapter.quote('BillingAccountName') }},
    'USD' as {{ adapter.quote('BillingCurrency') }},
    cast(billing_month as timestamp) as {{ adapter.quote('BillingPeriodStart') }},
    cast({{ dbt.dateadd('month', 1, 'billing_month') }} as timestamp) as {{ adapter.quote('BillingPeriodEnd') }},
    charge_category as {{ adapter.quote('ChargeCategory') }},
    cast(null as {{ dbt.type_string() }}) as {{ adapter.quote('ChargeClass') }},
    case row_source
        when 'usage' then {{ dbt.concat(["model", "' '", "lower(sku_meter)"]) }}
        when 'allocation' then {{ dbt.concat(["'Shared cost allocation ('", "rule_ids", "')'"]) }}
        when 'discount' then 'Invoice discounts and credits allocated to this owner'
        when 'invoice' then case
            when charge_category = 'Tax' then 'Invoice tax'
            else 'Invoice usage not in the request logs (see fct_invoice_reconciliation)'
        end
    end as {{ adapter.quote('ChargeDescription') }},
    case when row_source = 'usage' then 'Usage-Based' else 'One-Time' end as {{ adapter.quote('ChargeFrequency') }},
    charge_period_start as {{ adapter.quote('ChargePeriodStart') }},
    charge_period_end as {{ adapter.quote('ChargePeriodEnd') }},
    -- a decimal type, also in CSV text (45441.000000): FOCUS quantities are decimals
    cast(tokens as decimal(38, 6)) as {{ adapter.quote('ConsumedQuantity') }},
    case when tokens is not null then 'Tokens' end as {{ adapter.quote('ConsumedUnit') }},
    -- no commitment discounts here; the column is present (empty) because FOCUS's usage-quantity rules read it
    cast(null as {{ dbt.type_string() }}) as {{ adapter.quote('CommitmentDiscountStatus') }},
    list_cost_usd as {{ adapter.quote('ContractedCost') }},
    case
        when tokens > 0 then cast(list_cost_usd * 1000000 / tokens as decimal(38, 12))
    end as {{ adapter.quote('ContractedUnitPrice') }},
    effective_cost_usd as {{ adapter.quote('EffectiveCost') }},
    -- FOCUS wants an id on every row or on none: usage not invoiced yet gets its provisional invoice id
    coalesce(
        invoice_id,
        {{ dbt.concat(["'provisional-'", "provider", "'-'", "replace(substring(cast(billing_month as " ~ dbt.type_string() ~ ") from 1 for 7), '-', '')"]) }}
    ) as {{ adapter.quote('InvoiceId') }},
    provider_name as {{ adapter.quote('InvoiceIssuerName') }},
    list_cost_usd as {{ adapter.quote('ListCost') }},
    case
        when tokens > 0 then cast(list_cost_usd * 1000000 / tokens as decimal(38, 12))
    end as {{ adapter.quote('ListUnitPrice') }},
    case when tokens is not null then 'Standard' end as {{ adapter.quote('PricingCategory') }},
    'USD' as {{ adapter.quote('PricingCurrency') }},
    case
        when tokens > 0 then cast(list_cost_usd * 1000000 / tokens as decimal(38, 12))
    end as {{ adapter.quote('PricingCurrencyContractedUnitPrice') }},
    effective_cost_usd as {{ adapter.quote('PricingCurrencyEffectiveCost') }},
    case
        when tokens > 0 then cast(list_cost_usd * 1000000 / tokens as decimal(38, 12))
    end as {{ adapter.quote('PricingCurrencyListUnitPrice') }},
    cast(tokens as decimal(38, 6)) / 1000000 as {{ adapter.quote('PricingQuantity') }},
    case when tokens is not null then '1000000 Tokens' end as {{ adapter.quote('PricingUnit') }},
    provider_name as {{ adapter.quote('ProviderName') }},
    provider_name as {{ adapter.quote('PublisherName') }},
    model as {{ adapter.quote('ResourceId') }},
    model as {{ adapter.quote('ResourceName') }},
    case when model is not null then 'Model' end as {{ adapter.quote('ResourceType') }},
    'AI and Machine Learning' as {{ adapter.quote('ServiceCategory') }},
    service_name as {{ adapter.quote('ServiceName') }},
    'Generative AI' as {{ adapter.quote('ServiceSubcategory') }},
    case
        when token_kind is not null then {{ dbt.concat(["provider", "'/'", "model", "'/'", "token_kind"]) }}
    end as {{ adapter.quote('SkuId') }},
    sku_meter as {{ adapter.quote('SkuMeter') }},
    case
        when token_kind is not null then {{ dbt.concat([
            "provider", "'/'", "model", "'/'", "token_kind", "'/'", "price_version", "'/'", "price_processing",
            "'/'", "price_service_tier", "case when is_long_context_tier then '/long-context' else '' end"
        ]) }}
    end as {{ adapter.quote('SkuPriceId') }},
    case
        when token_kind is not null then {{ dbt.concat([
            "'{\"x_TokenKind\": '", json_text('token_kind'),
            "', \"x_Processing\": '", json_text('price_processing'),
            "', \"x_ServiceTier\": '", json_text('price_service_tier'),
            "'}'"
        ]) }}
    end as {{ adapter.quote('SkuPriceDetails') }},
    sub_account_id as {{ adapter.quote('SubAccountId') }},
    sub_account_name as {{ adapter.quote('SubAccountName') }},
    {{ dbt.concat([
        "'{\"cost_center\": '", json_text('cost_center'),
        "', \"owner_team\": '", json_text('owner_team'),
        "', \"project\": '", json_text('project_id'),
        "', \"feature\": '", json_text('feature'),
        "', \"environment\": '", json_text('environment'),
        "'}'"
    ]) }} as {{ adapter.quote('Tags') }},
    cast(effective_cost_usd * transfer_multiplier as decimal(38, 12)) as {{ adapter.quote('x_ChargedCost') }},
    cost_center as {{ adapter.quote('x_CostCenter') }},
    owner_team as {{ adapter.quote('x_OwnerTeam') }},
    project_id as {{ adapter.quote('x_ProjectId') }},
    feature as {{ adapter.quote('x_Feature') }},
    environment as {{ adapter.quote('x_Environment') }},
    token_kind as {{ adapter.quote('x_TokenKind') }},
    price_version as {{ adapter.quote('x_PriceVersion') }},
    row_source as {{ adapter.quote('x_RowSource') }},
    ledger_line_id as {{ adapter.quote('x_LedgerLineId') }}
from described
