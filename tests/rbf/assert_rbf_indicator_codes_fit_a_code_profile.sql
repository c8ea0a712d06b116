-- int_rbf__indicator_units gives every code an RBF indicator uses one bit of a bigint code
-- profile: the seed may hold at most 63 distinct (code field, code) pairs. Fails with the
-- count when it holds more (add a second profile column before adding codes).
select count(*) as n_codes
from (
    select distinct
        code_field,
        code
    from {{ ref('ref_rbf_indicator_codes') }}
) as distinct_codes
having count(*) > 63
