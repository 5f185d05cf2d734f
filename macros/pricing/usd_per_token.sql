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

{#
    List cost of an attempt's tokens at one price row, as a fixed-point decimal. `tokens` and `prices` are
    relation names (or '' for unqualified columns). Reasoning tokens are a part of output tokens: where the
    row prices them apart they leave the output count and pay the reasoning rate, as genai-prices bills them.
#}
{% macro priced_tokens_cost_usd(tokens, prices) -%}
    {%- set t = tokens ~ '.' if tokens else '' -%}
    {%- set p = prices ~ '.' if prices else '' -%}
    (
        {{ token_cost_usd(t ~ 'input_tokens', p ~ 'input_usd_per_token') }}
        + {{ token_cost_usd(t ~ 'cache_read_tokens', p ~ 'cache_read_usd_per_token') }}
        + {{ token_cost_usd(t ~ 'cache_write_tokens', p ~ 'cache_write_usd_per_token') }}
        + {{ token_cost_usd(t ~ 'cache_write_1h_tokens', p ~ 'cache_write_1h_usd_per_token') }}
        + {{ output_cost_usd(t, p) }}
        + {{ reasoning_cost_usd(t, p) }}
    )
{%- endmacro %}

{#  Output tokens at the output rate; reasoning tokens are left out when the row prices them apart. #}
{% macro output_cost_usd(t, p) -%}
    {{ token_cost_usd(
        'case when ' ~ p ~ 'output_reasoning_usd_per_token is null then ' ~ t ~ 'output_tokens else '
        ~ t ~ 'output_tokens - ' ~ t ~ 'reasoning_tokens end',
        p ~ 'output_usd_per_token'
    ) }}
{%- endmacro %}

{#  Reasoning tokens at their own rate where the row has one, else nothing (they are billed as output). #}
{% macro reasoning_cost_usd(t, p) -%}
    {{ token_cost_usd(t ~ 'reasoning_tokens', 'coalesce(' ~ p ~ 'output_reasoning_usd_per_token, 0)') }}
{%- endmacro %}
