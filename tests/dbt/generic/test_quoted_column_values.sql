{#
    Not null and, with `values`, one of them, for a column whose name must be quoted (FOCUS's CamelCase
    names). The column is an argument quoted here at run time: dbt's own not_null and accepted_values on a
    `quote: true` column hash the engine's quote character into the test's id, which would then differ
    between Spark and the other engines.
#}
{% test quoted_column_values(model, column, values=none) %}
    {%- set quoted = adapter.quote(column) -%}
select {{ quoted }} as column_value
from {{ model }}
where
    {{ quoted }} is null
    {%- if values %}
        or {{ quoted }} not in (
            {%- for value in values %}'{{ value }}'{{ ', ' if not loop.last }}{% endfor -%}
        )
    {%- endif %}
{% endtest %}
