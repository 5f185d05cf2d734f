{#
    One text value per price row that changes when any price, window, context or tier of the row changes.
    Hashed over the whole book it identifies a price-book revision, so costs priced under different books
    can be told apart after a rebuild.
#}
{% macro price_row_fingerprint() -%}
    {%- set parts = [] -%}
    {%- for column in [
        'provider', 'model', 'price_version', 'effective_from', 'effective_to', 'processing', 'service_tier',
        'tier_min_input_tokens', 'tier_max_input_tokens', 'input_usd_per_mtok', 'cache_read_usd_per_mtok',
        'cache_write_usd_per_mtok', 'cache_write_1h_usd_per_mtok', 'output_usd_per_mtok',
        'output_reasoning_usd_per_mtok'
    ] -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
        {%- if not loop.last %}{% do parts.append("'|'") %}{% endif -%}
    {%- endfor -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}
