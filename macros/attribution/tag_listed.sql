{#  True when `tag` is one of the comma-separated names in `list_column` (e.g. missing_required_tags). #}
{% macro tag_listed(list_column, tag) -%}
    {{ dbt.concat(["','", "coalesce(" ~ list_column ~ ", '')", "','"]) }} like '%,{{ tag }},%'
{%- endmacro %}
