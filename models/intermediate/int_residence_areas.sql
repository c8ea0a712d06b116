{#
    Residence unit -> catchment areas at three levels, for the ONE catchment mapping chosen by
    var('catchment_mapping_version') and applied to every year (SPEC sections 3 and 5).

    A residence unit is a municipality (2024 numbering), or a district (bydel) of the four
    cities that staging divides into districts (their residents always have a district,
    `xx99` when unknown). SKDE's pseudo areas are not areas of rates (as in dim_areas): 24
    abroad/Svalbard, 8888 Norway, 99 unknown municipality number; their residents count in
    Norway only, like an unknown residence.
#}
with catchment_areas as (
    select * from {{ ref('ref_catchment_areas') }}
    where mapping_version = '{{ var("catchment_mapping_version") }}'
)

select
    municipality_code,
    district_code,
    rhf_code,
    hf_code,
    hospital_code
from catchment_areas
where rhf_code not in ('24', '8888', '99')
