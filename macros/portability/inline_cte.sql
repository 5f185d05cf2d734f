{#
    A hint placed between a CTE's name and its body, for DuckDB's planner; other engines plan as they like:
    read the CTE's query again in each place that uses it, instead of materializing it first. DuckDB
    materializes a CTE read more than once, with all its columns; over every copy of a month that is
    gigabytes, while re-reading a table scan costs seconds and needs only the columns each reader uses.
#}
{% macro inline_cte() %}
    {{- return(adapter.dispatch('inline_cte')()) -}}
{% endmacro %}

{% macro default__inline_cte() %}{{ return('') }}{% endmacro %}

{% macro duckdb__inline_cte() %}{{ return('not materialized') }}{% endmacro %}
