{#
    Every billable attempt's list cost under every price-book revision it was priced with. The first build
    after a price-book change re-prices history with the current book (int_attempts_priced notices the change);
    this table keeps what the earlier books said, so the re-pricing report can show what the change moved.
    Append-only: an (attempt, book) pair is written once. A full refresh (`chargeback rebuild`) keeps it: it
    is the record of earlier books, which no rebuild can recreate.
#}
{{ config(materialized='incremental', on_schema_change='append_new_columns', full_refresh=false) }}

with

priced as (
    select * from {{ ref('int_attempts_priced') }}
    where is_billable
),

price_book as (
    select distinct price_book_id from {{ ref('int_model_prices_resolved') }}
),

current_costs as (
    select
        priced.request_id,
        price_book.price_book_id,
        priced.billing_month,
        priced.owner_team,
        priced.provider,
        priced.billable_model,
        priced.pricing_status,
        priced.price_version,
        priced.list_cost_usd,
        {{ dbt.current_timestamp() }} as recorded_at
    from priced
    cross join price_book
),

new_rows as (
    select current_costs.*
    from current_costs
    {% if is_incremental() %}
        left join {{ this }} as recorded
            on
                current_costs.request_id = recorded.request_id
                and current_costs.price_book_id = recorded.price_book_id
        where recorded.request_id is null
    {% endif %}
)

select * from new_rows
