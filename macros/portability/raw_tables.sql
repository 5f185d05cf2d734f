{#
    Declares the raw tables where the ingest does not write them itself. On Spark the ingest writes each raw
    table as Parquet files under CHARGEBACK_SPARK_DIR/raw/<table>/ (orchestration/ingest/publish.py); this
    on-run-start hook makes each folder the table raw.<table> and refreshes its file listing. DuckDB and
    PostgreSQL hold real raw tables: nothing to do.
#}
{% macro declare_raw_tables() -%}
    {{ return(adapter.dispatch('declare_raw_tables')()) }}
{%- endmacro %}

{% macro default__declare_raw_tables() -%}
    select 1
{%- endmacro %}

{% macro spark__declare_raw_tables() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var('CHARGEBACK_SPARK_DIR', 'data/spark') ~ '/raw' -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for source in graph.sources.values() if source.schema == 'raw' -%}
            {%- do run_query(
                'create table if not exists raw.' ~ source.name
                ~ " using parquet location '" ~ raw_dir ~ '/' ~ source.name ~ "'"
            ) -%}
            {%- do run_query('refresh table raw.' ~ source.name) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}
