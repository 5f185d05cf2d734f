{#
    Pieces of comma-separated lists of required tags, each piece prefixed with a comma (the caller strips
    the first). Read <tag>_normalized, is_<tag>_registered and is_<tag>_ad_hoc of int_attempts_attributed.
      missing: absent or empty;
      invalid: present, not registered and not an accepted ad hoc value;
      ad hoc:  present, not registered, accepted because its environment allows ad hoc values for now.
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
            "case when " ~ tag ~ "_normalized is not null and not is_" ~ tag ~ "_registered and not is_"
            ~ tag ~ "_ad_hoc then '," ~ tag ~ "' else '' end"
        ) -%}
    {%- endfor -%}
    {{ return(pieces) }}
{%- endmacro %}

{% macro required_tags_ad_hoc_pieces(required_tags) -%}
    {%- set pieces = [] -%}
    {%- for tag in required_tags -%}
        {%- do pieces.append("case when is_" ~ tag ~ "_ad_hoc then '," ~ tag ~ "' else '' end") -%}
    {%- endfor -%}
    {{ return(pieces) }}
{%- endmacro %}
