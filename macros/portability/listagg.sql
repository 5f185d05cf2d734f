{#
    dbt.listagg on Spark, with its order and limit kept: dbt-spark's own version ignores both (it joins
    collect_list in whatever order the rows arrive), which would make concatenated ids and fingerprints
    (price_book_id, rule_ids) differ between runs. Rows are collected as (order keys..., value) structs,
    sorted, cut to the limit, then joined. Order keys must be ascending.
#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set keys = [] -%}
    {%- if order_by_clause -%}
        {%- for key in order_by_clause.strip()[8:].split(',') -%}
            {%- set key = key.strip() -%}
            {%- if key.lower().endswith(' desc') -%}
                {{ exceptions.raise_compiler_error("listagg on Spark sorts ascending only: " ~ order_by_clause) }}
            {%- endif -%}
            {%- do keys.append(key[:-4].strip() if key.lower().endswith(' asc') else key) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for key in keys -%}
        {%- do fields.append("'k" ~ loop.index ~ "', " ~ key) -%}
    {%- endfor -%}
    {%- set sorted -%}
        transform(
            array_sort(collect_list(
                case when ({{ measure }}) is not null
                    then named_struct({{ (fields + ["'v', " ~ measure]) | join(', ') }}) end
            )),
            entry -> entry.v
        )
    {%- endset -%}
    array_join({{ 'slice(' ~ sorted ~ ', 1, ' ~ limit_num ~ ')' if limit_num else sorted }}, {{ delimiter_text }})
{%- endmacro %}
