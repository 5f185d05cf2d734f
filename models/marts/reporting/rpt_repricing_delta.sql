{#
    What the last price-book change did to history: for every attempt priced under both the current book
    and the book before it, the list cost before and after, summed per owner team, provider, model and the
    price versions before and after. Empty until the book has changed once.
#}
with

history as (
    select * from {{ ref('int_attempt_costs_by_price_book') }}
),

current_book as (
    select distinct price_book_id from {{ ref('int_model_prices_resolved') }}
),

books as (
    select
        price_book_id,
        min(recorded_at) as first_recorded_at
    from history
    group by 1
),

previous_book as (
    select books.price_book_id
    from books
    left join current_book
        on books.price_book_id = current_book.price_book_id
    where current_book.price_book_id is null
    order by books.first_recorded_at desc, books.price_book_id asc
    limit 1
),

after_change as (
    select history.*
    from history
    inner join current_book
        on history.price_book_id = current_book.price_book_id
),

before_change as (
    select history.*
    from history
    inner join previous_book
        on history.price_book_id = previous_book.price_book_id
),

compared as (
    select
        after_change.billing_month,
        after_change.owner_team,
        after_change.provider,
        after_change.billable_model,
        coalesce(before_change.price_version, 'unpriced') as price_version_before,
        coalesce(after_change.price_version, 'unpriced') as price_version_after,
        before_change.price_book_id as price_book_before,
        after_change.price_book_id as price_book_after,
        before_change.list_cost_usd as list_cost_before_usd,
        after_change.list_cost_usd as list_cost_after_usd
    from after_change
    inner join before_change
        on after_change.request_id = before_change.request_id
),

summed as (
    select
        billing_month,
        owner_team,
        provider,
        billable_model,
        price_version_before,
        price_version_after,
        price_book_before,
        price_book_after,
        count(*) as attempt_count,
        sum(list_cost_before_usd) as list_cost_before_usd,
        sum(list_cost_after_usd) as list_cost_after_usd,
        coalesce(sum(list_cost_after_usd), 0) - coalesce(sum(list_cost_before_usd), 0) as cost_delta_usd
    from compared
    group by 1, 2, 3, 4, 5, 6, 7, 8
),

changed as (
    select * from summed
    where
        cost_delta_usd <> 0
        or price_version_before <> price_version_after
)

select * from changed
