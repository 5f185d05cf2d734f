{#
    Every logged copy of an attempt with the key of the attempt it belongs to (attempt_key) and whether it
    is the copy that stands for the attempt (is_canonical).

    Matching, in order:
      1. provider request id: the same provider and provider_request_id is the same attempt, whichever
         source logged it (gateway, LiteLLM, Bedrock, OTel gen_ai.response.id);
      2. fallback key, only for copies without a provider request id: provider + internal trace id +
         total input tokens (uncached + cache read + cache writes) + output tokens. A copy without a
         provider request id joins the attempt that has one and the same fallback key; copies that only
         share a fallback key form one attempt. Copies that consumed no tokens never match by fallback key
         (nothing to double count, and failed calls of one trace look alike);
      3. otherwise a gateway line is its own attempt by request_id (a line logged twice collapses), and any
         other copy stands alone.
    The canonical copy is the first by source precedence (macros/usage/usage_envelope_columns.sql:
    gateway, LiteLLM payload, LiteLLM SpendLogs, Bedrock, OTel), then first loaded; the first copy of each
    source system is the one the de-duplication completes the canonical copy from. Every copy also carries
    its attempt's copy and source counts and how the attempt was matched. Retries have their own
    provider request ids, so they stay separate attempts, linked by root_request_id.

    Incremental: only the copies loaded since the last build (however late their timestamp) are keyed
    here; the others keep the keys stored on their rows. The attempts recomputed are those of the new copies
    and, with the partition vars, of the stored copies inside the partition window and its lookback. A new
    copy with a provider request id can pull stored copies matched so far by the same fallback key alone into
    its attempt, so the stored copies sharing a fallback key with a touched copy are re-keyed, and the
    attempts they belonged to are recomputed too. Each recomputed attempt is ranked from ALL its copies,
    whatever their date, and its copies replace their previous rows (one row per copy).
#}
{%- set incremental_run = can_run_incrementally('matched_at') -%}
{%- set window = partition_window_predicate('requested_at') -%}
{%- set systems = usage_source_systems() -%}
{%- set copy_key = ['source_table', 'source_file', 'source_line', 'request_id'] -%}
{%- set copy_columns = usage_envelope_columns()
    + ['source_rank', 'total_input_tokens', 'identity_key', 'fallback_key', 'attempt_key', 'match_basis'] -%}
{{ config(
    materialized=request_grain_materialization(),
    incremental_strategy=request_grain_strategy(),
    unique_key=copy_key,
    on_schema_change='append_new_columns',
) }}

with

copies as {{ inline_cte() }} (
    select
        *,
        {{ usage_source_rank('source_table') }} as source_rank,
        input_tokens + cache_read_tokens + cache_write_tokens + cache_write_1h_tokens as total_input_tokens
    from {{ ref('int_usage_attempts_unioned') }}
    {%- if incremental_run %}
        where loaded_at > (select coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) from {{ this }})
    {%- endif %}
),

keyed as {{ inline_cte() }} (
    select
        *,
        case
            when provider_request_id is not null
                then {{ dbt.concat(["'pid|'", "provider", "'|'", "provider_request_id"]) }}
            when source_system = 'gateway'
                then {{ dbt.concat(["'req|'", "request_id"]) }}
        end as identity_key,
        case
            when
                trace_id is not null
                and total_input_tokens + output_tokens > 0
                then {{ dbt.concat([
                    "provider", "'|'", "trace_id", "'|'",
                    "cast(total_input_tokens as " ~ dbt.type_string() ~ ")", "'|'",
                    "cast(output_tokens as " ~ dbt.type_string() ~ ")"
                ]) }}
        end as fallback_key
    from copies
),

{% if incremental_run %}
    previous as {{ inline_cte() }} (
        select * from {{ this }}
    ),

    touched_fallback_keys as (
        select fallback_key from keyed
        where fallback_key is not null
        {%- if window %}
            union
            select fallback_key from previous
            where fallback_key is not null and {{ window }}
        {%- endif %}
    ),

    regrouped as {{ inline_cte() }} (
        select * from previous
        where fallback_key in (select fallback_key from touched_fallback_keys)
    ),
{% endif %}

anchors as {{ inline_cte() }} (
    select
        fallback_key,
        min(identity_key) as anchor_key
    from (
        select
            fallback_key,
            identity_key
        from keyed
        {%- if incremental_run %}
            union all
            select
                fallback_key,
                identity_key
            from regrouped
        {%- endif %}
    ) as candidates
    where identity_key is not null and fallback_key is not null
    group by 1
),

grouped as {{ inline_cte() }} (
    select
        keyed.*,
        case
            when keyed.identity_key is not null then keyed.identity_key
            when anchors.anchor_key is not null then anchors.anchor_key
            when keyed.fallback_key is not null then {{ dbt.concat(["'fb|'", "keyed.fallback_key"]) }}
            else {{ dbt.concat(["'row|'", "keyed.request_id", "'|'", "keyed.source_file", "'|'",
                "cast(keyed.source_line as " ~ dbt.type_string() ~ ")"]) }}
        end as attempt_key,
        case
            when keyed.provider_request_id is not null then 'provider_request_id'
            when keyed.identity_key is not null then 'request_id'
            when keyed.fallback_key is not null then 'fallback_key'
            else 'none'
        end as match_basis
    from keyed
    -- The equality alone keeps this a hash join (anchors has one row per fallback key); a copy with an
    -- identity key never takes the anchor, as the case above reads the identity key first.
    left join anchors
        on keyed.fallback_key = anchors.fallback_key
),

{% if incremental_run %}
    {#- A stored copy keeps its key unless a new anchor takes it (anchors only holds touched fallback keys). #}
    restored as {{ inline_cte() }} (
        select
            {%- for column in copy_columns %}
                {%- if column == 'attempt_key' %}
                    case
                        when previous.identity_key is null then coalesce(anchors.anchor_key, previous.attempt_key)
                        else previous.attempt_key
                    end as attempt_key,
                {%- else %}
                    previous.{{ column }}{{ ',' if not loop.last }}
                {%- endif %}
            {%- endfor %}
        from previous
        left join anchors
            on previous.fallback_key = anchors.fallback_key
    ),

    recomputed_keys as (
        select attempt_key from grouped
        union
        select attempt_key from restored
        where fallback_key in (select fallback_key from touched_fallback_keys)
        union
        select attempt_key from regrouped
        {%- if window %}
            union
            select attempt_key from previous
            where {{ window }}
        {%- endif %}
    ),

    selected as {{ inline_cte() }} (
        select {{ copy_columns | join(', ') }} from grouped
        union all
        select {{ copy_columns | join(', ') }} from restored
        where attempt_key in (select attempt_key from recomputed_keys)
    ),
{% else %}
    selected as {{ inline_cte() }} (
        select * from grouped
    ),
{% endif %}

{#-
    Ranking without a window over every copy (wide rows do not fit in memory at scale): one narrow
    aggregate per attempt gives the best source present and each source system's copy count. Where every
    system logged the attempt at most once (nearly always), the copy of the best source is canonical and
    each copy is the first of its system; only attempts with two copies from one system (a duplicated
    line, a LiteLLM payload and SpendLogs row) are ranked copy by copy.
#}
attempt_copies as {{ inline_cte() }} (
    select
        attempt_key,
        min(source_rank) as best_source_rank,
        count(*) as copies_seen,
        {%- for system in systems %}
            sum(case when source_system = '{{ system }}' then 1 else 0 end) as {{ system }}_copies,
        {%- endfor %}
        max(case match_basis when 'fallback_key' then 3 when 'provider_request_id' then 2 else 1 end)
            as match_basis_rank
    from selected
    group by 1
),

contested_attempts as (
    select attempt_key from attempt_copies
    where {% for system in systems %}{{ system }}_copies > 1{{ ' or ' if not loop.last }}{% endfor %}
),

contested_ranks as (
    select
        {{ copy_key | join(', ') }},
        row_number() over (
            partition by attempt_key
            order by source_rank, loaded_at, source_file, source_line, request_id
        ) = 1 as is_canonical,
        row_number() over (
            partition by attempt_key, source_system
            order by source_rank, loaded_at, source_file, source_line, request_id
        ) = 1 as is_first_of_source
    from selected
    where selected.attempt_key in (select contested_attempts.attempt_key from contested_attempts)
),

final as (
    select
        selected.*,
        coalesce(contested_ranks.is_canonical, selected.source_rank = attempt_copies.best_source_rank)
            as is_canonical,
        coalesce(contested_ranks.is_first_of_source, true) as is_first_of_source,
        attempt_copies.copies_seen,
        {% for system in systems %}
            (case when attempt_copies.{{ system }}_copies > 0 then 1 else 0 end){{ ' +' if not loop.last }}
        {%- endfor %} as sources_seen,
        case attempt_copies.match_basis_rank
            when 3 then 'fallback_key'
            when 2 then 'provider_request_id'
            else 'request_id'
        end as attempt_match_basis,
        {{ dbt.current_timestamp() }} as matched_at
    from selected
    inner join attempt_copies
        on selected.attempt_key = attempt_copies.attempt_key
    left join contested_ranks
        on
            selected.source_table = contested_ranks.source_table
            and selected.source_file = contested_ranks.source_file
            and selected.source_line = contested_ranks.source_line
            and selected.request_id = contested_ranks.request_id
)

select * from final
