{#
    Pieces of a comma-separated list of the required tags that are missing (absent or empty) or invalid
    (present but not a registered value) on a row, each piece prefixed with a comma; the caller strips
    the first one. Reads <tag>_normalized and is_<tag>_registered from the attribution model.
#}
{% macro required_tags_missing_pieces(required_tags) -%}
    {%- set pieces = [] -%}
    {%- for tag in required_tags -%}
        {%- do pieces.append("case when " ~ tag ~ "_normalized is null then '," ~ tag ~ "' else '' end") -%}
    {%- endfor -%}
    {{ return(pieces) }}
{%- endmacro %}

{% macro required_tags_invalid_pieces(required_tags) -%}
    {%- set pieces = [] -%}
    {%- for tag in required_tags -%}
        {%- do pieces.append(
            "case when " ~ tag ~ "_normalized is not null and not is_" ~ tag
            ~ "_registered then '," ~ tag ~ "' else '' end"
        ) -%}
    {%- endfor -%}
    {{ return(pieces) }}
{%- endmacro %}
