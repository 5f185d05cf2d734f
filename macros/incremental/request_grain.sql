{#
    Helpers of the incremental request-grain chain (int_usage_attempts_* -> int_attempts_* -> fct_ai_requests).
    Each model replaces only the attempts whose inputs changed since it was last built; see README
    "Incremental runs" for why the result equals a full build.
#}

{#
    Incremental on DuckDB and PostgreSQL (delete+insert, or the var request_grain_incremental_strategy).
    Spark's Parquet tables have no row-level delete or merge (those need Delta, Iceberg or Hudi), so there
    the chain is rebuilt whole on every run: the same rows, at full-build cost.
#}
{% macro request_grain_materialization() -%}
    {{ return(adapter.dispatch('request_grain_materialization')()) }}
{%- endmacro %}

{% macro default__request_grain_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__request_grain_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{% macro request_grain_strategy() -%}
    {{ return(var('request_grain_incremental_strategy', none) or 'delete+insert') }}
{%- endmacro %}

{#
    The partition window with its lookback, as a predicate on a timestamp column, or none without the vars
    partition_start / partition_end (dates, end exclusive). A daily partition D recomputes the attempts with
    a copy from D minus incremental_lookback_days to D + 1.
#}
{% macro partition_window_predicate(column) -%}
    {%- set start = var('partition_start', none) -%}
    {%- set end = var('partition_end', none) -%}
    {%- if not start and not end -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- if start -%}
        {%- do parts.append(column ~ ' >= ' ~ dbt.dateadd(
            'day', -1 * var('incremental_lookback_days') | int, "cast('" ~ start ~ "' as timestamp)"
        )) -%}
    {%- endif -%}
    {%- if end -%}
        {%- do parts.append(column ~ " < cast('" ~ end ~ "' as timestamp)") -%}
    {%- endif -%}
    {{ return('(' ~ parts | join(' and ') ~ ')') }}
{%- endmacro %}

{#
    Rows of an upstream model written after this model's newest row: what changed since this model was last
    built, even when an earlier run stopped between the two models.
#}
{% macro built_since_last_run(upstream_column, own_column) -%}
    {{ upstream_column }} > (
        select coalesce(max({{ own_column }}), cast('1900-01-01' as timestamp)) from {{ this }}
    )
{%- endmacro %}

{#
    Post-hook: remove rows whose key the upstream model no longer has (an attempt whose copies all joined
    another attempt, a canonical request id that changed, an attempt no longer billable). delete+insert only
    replaces keys present in the new rows, so these would otherwise stay behind.
#}
{% macro delete_keys_missing_upstream(upstream, key, upstream_filter='1 = 1') -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ key }} not in (select {{ key }} from {{ upstream }} where {{ upstream_filter }})
    {%- else -%}
        select 1 {#- a table just built from its upstream holds no stale key -#}
    {%- endif -%}
{%- endmacro %}

{#
    A fingerprint of the registries (seed file checksums) and vars a model's figures depend on. Stored on
    each row; when it differs from the table's, the incremental run recomputes every row (a price or
    registry change re-prices and re-attributes history, as a full build would).
#}
{% macro registry_fingerprint(seeds, var_names=[]) -%}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for node in (graph.get('nodes') or {}).values() -%}
        {%- if node.resource_type == 'seed' and node.name in seeds -%}
            {%- do parts.append(node.name ~ ':' ~ node.checksum.checksum) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in var_names -%}
        {%- do parts.append(name ~ '=' ~ tojson(var(name))) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | sort | join('|'))) }}
{%- endmacro %}

{#
    True when this run may take only what changed: an incremental run on a table that already has
    own_column (a table built before the chain was incremental has not) and, when given, was built under
    the same registry fingerprint. Otherwise the model recomputes every row (and still replaces in place).
#}
{% macro can_run_incrementally(own_column, fingerprint_column=none, fingerprint=none) -%}
    {#- Unit tests render the model without a table of their own. #}
    {%- if not execute or this is none or model.resource_type == 'unit_test' or not is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
    {%- if own_column not in columns or (fingerprint_column and fingerprint_column not in columns) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if fingerprint_column -%}
        {%- set stored = run_query('select max(' ~ fingerprint_column ~ ') from ' ~ this) -%}
        {{ return(stored.columns[0].values()[0] == fingerprint) }}
    {%- endif -%}
    {{ return(true) }}
{%- endmacro %}
