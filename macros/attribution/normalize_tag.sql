{#
    A logged tag value in comparable form: trimmed, lower case, empty = missing. Aliases are applied
    after this, so `Growth`, ` growth ` and `GROWTH` need no alias rows of their own.
#}
{% macro normalize_tag(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}
