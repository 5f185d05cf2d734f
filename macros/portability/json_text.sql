{#  A SQL text expression as a JSON string literal (quotes and backslashes escaped), or JSON null. #}
{% macro json_text(expr) -%}
    case
        when {{ expr }} is null then 'null'
        else {{ dbt.concat([
            "'\"'",
            "replace(replace(" ~ expr ~ ", '\\\\', '\\\\\\\\'), '\"', '\\\\\"')",
            "'\"'"
        ]) }}
    end
{%- endmacro %}
