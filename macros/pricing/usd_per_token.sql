{#
    A price per million tokens as an exact price per token. Multiplying by a decimal literal instead of
    dividing keeps the arithmetic in fixed-point decimals on every engine (division yields a float on some),
    so costs add up to the cent with no drift. Scale 12 holds any price quoted to 6 decimals per million.
#}
{% macro usd_per_token(price_usd_per_mtok) -%}
    cast(
        cast({{ price_usd_per_mtok }} as decimal(18, 6)) * cast(0.000001 as decimal(20, 12))
        as decimal(20, 12)
    )
{%- endmacro %}

{#  Cost of a token count at a per-token price, as a fixed-point decimal. #}
{% macro token_cost_usd(tokens, usd_per_token) -%}
    cast(cast({{ tokens }} as decimal(12, 0)) * {{ usd_per_token }} as decimal(28, 12))
{%- endmacro %}
