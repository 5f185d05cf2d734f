{#  An 8-byte float on every engine. dbt.type_float() is not one: it renders FLOAT, 4 bytes on DuckDB. #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}double precision{%- endmacro %}

{% macro spark__type_double() -%}double{%- endmacro %}
