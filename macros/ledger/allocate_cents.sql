{#
    Largest-remainder split of whole cents. `relation` has one row per (pool, recipient) with the pool's
    `total_cents` (a whole number, may be negative) and the recipient's `weight` (>= 0). Returns the same
    rows with `allocated_cents` such that, per pool, the allocations add up to total_cents exactly: each
    recipient gets the floor of its exact share, and the cents left over go one each to the recipients
    with the largest remainders (ties by `tiebreak_columns`). A pool whose weights are all zero is split
    evenly. Floating-point shares are safe here: a share mis-floored by one sits at the top of the
    remainder order and gets its cent back, so conservation never depends on the division.
#}
{% macro allocate_cents(relation, pool_columns, tiebreak_columns) -%}
    {%- set pool = pool_columns | join(', ') -%}
    select
        shares.*,
        floor_cents
        + case
            when row_number() over (
                partition by {{ pool }}
                order by remainder desc, {{ tiebreak_columns | join(', ') }}
            ) <= abs_total_cents - sum(floor_cents) over (partition by {{ pool }})
            then 1
            else 0
        end as abs_allocated_cents,
        case when total_cents < 0 then -1 else 1 end as allocation_sign
    from (
        select
            exact.*,
            floor(exact_share) as floor_cents,
            exact_share - floor(exact_share) as remainder
        from (
            select
                weighted.*,
                case
                    when pool_weight > 0 then abs_total_cents * cast(weight as {{ type_double() }}) / pool_weight
                    else cast(abs_total_cents as {{ type_double() }}) / pool_recipients
                end as exact_share
            from (
                select
                    {{ relation }}.*,
                    abs(total_cents) as abs_total_cents,
                    sum(cast(weight as {{ type_double() }})) over (partition by {{ pool }}) as pool_weight,
                    count(*) over (partition by {{ pool }}) as pool_recipients
                from {{ relation }}
            ) as weighted
        ) as exact
    ) as shares
{%- endmacro %}

{#  Whole cents as an exact USD decimal. #}
{% macro cents_to_usd(cents) -%}
    cast(cast(({{ cents }}) as decimal(38, 0)) * cast(0.01 as decimal(3, 2)) as decimal(38, 2))
{%- endmacro %}

{#  A USD amount as whole cents, rounded half away from zero. #}
{% macro usd_to_cents(usd) -%}
    cast(round(({{ usd }}) * 100, 0) as decimal(38, 0))
{%- endmacro %}
