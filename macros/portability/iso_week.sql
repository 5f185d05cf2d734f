{#
    ISO 8601 weeks, the unit of the weekly review. A week starts on Monday and belongs to the year of its
    Thursday; week 1 is the week holding 4 January. date_trunc('week') is Monday-based on DuckDB,
    PostgreSQL and Spark alike.
#}
{% macro iso_week_start(date_expr) -%}
    cast({{ dbt.date_trunc('week', date_expr) }} as date)
{%- endmacro %}

{#  'YYYY-Www' for a Monday (week_start), e.g. 2026-W31. #}
{% macro iso_week_label(week_start) -%}
    {%- set thursday = dbt.dateadd('day', 3, week_start) -%}
    {{ dbt.concat([
        "cast(extract(year from " ~ thursday ~ ") as " ~ dbt.type_string() ~ ")",
        "'-W'",
        "lpad(cast(cast(floor((extract(doy from " ~ thursday ~ ") - 1) / 7.0) + 1 as integer) as "
            ~ dbt.type_string() ~ "), 2, '0')"
    ]) }}
{%- endmacro %}

{#  A share in [0, 1] as a whole percent for sentences and labels, e.g. 0.624 -> '62%'. #}
{% macro share_as_percent_text(share_expr) -%}
    {{ dbt.concat([
        "cast(cast(round(cast(100 * (" ~ share_expr ~ ") as decimal(38, 6)), 0) as integer) as " ~ dbt.type_string() ~ ")",
        "'%'"
    ]) }}
{%- endmacro %}

{#  A USD amount as text with two decimals, e.g. 2420.5 -> '$2420.50'. #}
{% macro usd_text(amount_expr) -%}
    {{ dbt.concat([
        "'$'",
        "cast(cast(round(cast(" ~ amount_expr ~ " as decimal(38, 6)), 2) as decimal(18, 2)) as " ~ dbt.type_string() ~ ")"
    ]) }}
{%- endmacro %}
