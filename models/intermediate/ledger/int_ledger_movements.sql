{#
    Step 2 of the ledger: every movement of cost between lines, each with the rule that made it.
      retry policy (var retry_failed_cost_policy = 'platform'): the retry and failed-attempt cost of each
        owner's line moves, whole, to a `platform-shared` bucket line with the same project, feature,
        provider and model (booked to var platform_cost_center);
      accepted disputes (seed disputes): the disputed amount moves off the owner's line to the unallocated
        line of the same month, project, feature, provider and model, to be attributed again;
      shared-cost rules (seeds allocation_rules, allocation_rule_consumers): the net cost of each line whose
        feature, project or bucket is a rule's source is split to the consuming teams, in whole cents by
        largest remainder, by fixed weights or in proportion to the consumers' own requests, tokens or cost
        in the same month. The sub-cent residue of a split stays on the source line.
    Unallocated lines are never a source and never a consumer: unallocated cost is not smeared.
#}
{%- set grain = ledger_grain() -%}
{%- set policy = var('retry_failed_cost_policy') -%}

with

direct as (
    select * from {{ ref('int_ledger_lines_direct') }}
),

rules as (
    select
        rule_id,
        source_kind,
        source_value,
        method
    from {{ ref('allocation_rules') }}
),

consumers as (
    select
        rule_id,
        owner_team,
        cast(weight as decimal(18, 6)) as fixed_weight
    from {{ ref('allocation_rule_consumers') }}
),

disputes as (
    select
        dispute_id,
        billing_month,
        owner_team,
        cost_center,
        project_id,
        feature,
        provider,
        model,
        amount_usd
    from {{ ref('disputes') }}
    where status = 'accepted' and amount_usd > 0
),

owner_teams as (
    select
        owner_team,
        default_cost_center
    from {{ ref('owner_teams') }}
),

{#
    Every movement below has one shape: the ledger grain, the rule, and the amount moved out of or into
    that line. A rule's moves out and in always add up to the same amount.
#}
retry_moves_out as (
    select
        {{ grain | join(', ') }},
        'retry_policy:platform' as rule_id,
        retry_or_failed_cost_usd as allocated_out_usd,
        cast(0 as decimal(38, 12)) as allocated_in_usd
    from direct
    where
        {{ "true" if policy == 'platform' else "false" }}
        and owner_team not in ('unallocated', 'platform-shared')
        and retry_or_failed_cost_usd > 0
),

dispute_moves_out as (
    {# only a dispute that names an existing line moves money, and never more than the line's cost #}
    select
        {% for column in grain %}direct.{{ column }}, {% endfor %}
        {{ dbt.concat(["'dispute:'", "disputes.dispute_id"]) }} as rule_id,
        case
            when disputes.amount_usd < direct.list_cost_usd then cast(disputes.amount_usd as decimal(38, 12))
            else direct.list_cost_usd
        end as allocated_out_usd,
        cast(0 as decimal(38, 12)) as allocated_in_usd
    from disputes
    inner join direct
        on
            disputes.billing_month = direct.billing_month
            and disputes.cost_center = direct.cost_center
            and disputes.owner_team = direct.owner_team
            and disputes.project_id = direct.project_id
            and disputes.feature = direct.feature
            and disputes.provider = direct.provider
            and disputes.model = direct.model
),

whole_moves as (
    {# retry policy: to the platform-shared bucket; disputes: back to unallocated #}
    select * from retry_moves_out
    union all
    select * from dispute_moves_out
    union all
    select
        billing_month,
        case
            when rule_id = 'retry_policy:platform' then '{{ var("platform_cost_center") }}'
            else 'unallocated'
        end as cost_center,
        case
            when rule_id = 'retry_policy:platform' then 'platform-shared'
            else 'unallocated'
        end as owner_team,
        project_id,
        feature,
        provider,
        model,
        rule_id,
        cast(0 as decimal(38, 12)) as allocated_out_usd,
        allocated_out_usd as allocated_in_usd
    from (
        select * from retry_moves_out
        union all
        select * from dispute_moves_out
    ) as moves_out
),

after_whole_moves as (
    select
        {{ grain | join(', ') }},
        sum(amount_usd) as net_cost_usd
    from (
        select
            {{ grain | join(', ') }},
            list_cost_usd as amount_usd
        from direct
        union all
        select
            {{ grain | join(', ') }},
            allocated_in_usd - allocated_out_usd as amount_usd
        from whole_moves
    ) as amounts
    group by {{ grain | join(', ') }}
),

consumer_usage as (
    select
        billing_month,
        owner_team,
        sum(request_count) as requests,
        sum(input_tokens + cache_read_tokens + cache_write_tokens + cache_write_1h_tokens + output_tokens)
            as tokens,
        sum(list_cost_usd) as cost_usd
    from direct
    where owner_team not in ('unallocated', 'platform-shared')
    group by 1, 2
),

source_lines as (
    select
        after_whole_moves.*,
        rules.rule_id,
        rules.method,
        {{ usd_to_cents('after_whole_moves.net_cost_usd') }} as total_cents
    from after_whole_moves
    inner join rules
        on
            (rules.source_kind = 'feature' and after_whole_moves.feature = rules.source_value)
            or (rules.source_kind = 'project' and after_whole_moves.project_id = rules.source_value)
            or (rules.source_kind = 'bucket' and after_whole_moves.owner_team = rules.source_value)
    where
        after_whole_moves.net_cost_usd > 0
        and after_whole_moves.owner_team <> 'unallocated'
),

recipients as (
    select
        source_lines.billing_month,
        source_lines.cost_center as source_cost_center,
        source_lines.owner_team as source_owner_team,
        source_lines.project_id,
        source_lines.feature,
        source_lines.provider,
        source_lines.model,
        source_lines.rule_id,
        source_lines.total_cents,
        consumers.owner_team as consumer_owner_team,
        owner_teams.default_cost_center as consumer_cost_center,
        case source_lines.method
            when 'fixed_weights' then consumers.fixed_weight
            when 'usage_requests' then coalesce(consumer_usage.requests, 0)
            when 'usage_tokens' then coalesce(consumer_usage.tokens, 0)
            when 'usage_cost' then coalesce(consumer_usage.cost_usd, 0)
        end as weight
    from source_lines
    inner join consumers
        on source_lines.rule_id = consumers.rule_id
    inner join owner_teams
        on consumers.owner_team = owner_teams.owner_team
    left join consumer_usage
        on
            source_lines.billing_month = consumer_usage.billing_month
            and consumers.owner_team = consumer_usage.owner_team
),

allocated as (
    {{ allocate_cents(
        'recipients',
        ['billing_month', 'source_cost_center', 'source_owner_team', 'project_id', 'feature', 'provider',
         'model', 'rule_id'],
        ['consumer_owner_team']
    ) }}
),

shared_moves as (
    select
        billing_month,
        source_cost_center as cost_center,
        source_owner_team as owner_team,
        project_id,
        feature,
        provider,
        model,
        rule_id,
        cast({{ cents_to_usd('allocation_sign * abs_allocated_cents') }} as decimal(38, 12)) as allocated_out_usd,
        cast(0 as decimal(38, 12)) as allocated_in_usd
    from allocated
    where abs_allocated_cents > 0
    union all
    select
        billing_month,
        consumer_cost_center as cost_center,
        consumer_owner_team as owner_team,
        project_id,
        feature,
        provider,
        model,
        rule_id,
        cast(0 as decimal(38, 12)) as allocated_out_usd,
        cast({{ cents_to_usd('allocation_sign * abs_allocated_cents') }} as decimal(38, 12)) as allocated_in_usd
    from allocated
    where abs_allocated_cents > 0
),

movements as (
    select * from whole_moves
    union all
    select * from shared_moves
)

select * from movements
