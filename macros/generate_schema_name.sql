{#
    Schemas are exactly raw, staging, intermediate and marts on every target: the custom schema name is
    used as is, never prefixed with the target schema, so BI tools and the loader agree on the names.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
