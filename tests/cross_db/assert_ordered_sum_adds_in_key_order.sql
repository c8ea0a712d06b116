-- ordered_sum (macros/cross_db/ordered_sum.sql) adds in the order of its key, whatever order
-- the rows come in: beside 1e16 the order of the additions decides a double's last bits (in
-- key order 1e16 + 3 - 1e16 + 3 = 7; in the order the rows are listed here 8, the exact
-- sum 6). With a plain sum the result follows the rows' order and this fails; NULLs are left
-- out and a group of NULLs sums to NULL, as with sum.
with input_rows as (
    select 4 as k, cast(3 as {{ type_double() }}) as v, 'a' as grp
    union all
    select 3 as k, cast(-1e16 as {{ type_double() }}) as v, 'a' as grp
    union all
    select 5 as k, cast(null as {{ type_double() }}) as v, 'a' as grp
    union all
    select 2 as k, cast(3 as {{ type_double() }}) as v, 'a' as grp
    union all
    select 1 as k, cast(1e16 as {{ type_double() }}) as v, 'a' as grp
    union all
    select 1 as k, cast(null as {{ type_double() }}) as v, 'b' as grp
),

sums as (
    select
        grp,
        {{ ordered_sum('v', 'k') }} as total
    from input_rows
    group by grp
)

select
    grp,
    total
from sums
where
    (grp = 'a' and (total is null or total <> 7))
    or (grp = 'b' and total is not null)
