{#  The grain of a ledger line, in order. One list so every ledger step groups the same way. #}
{% macro ledger_grain() -%}
    {{ return(['billing_month', 'cost_center', 'owner_team', 'project_id', 'feature', 'provider', 'model']) }}
{%- endmacro %}
