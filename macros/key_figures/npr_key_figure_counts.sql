{#
    The counting of int_npr__key_figure_values (models/intermediate/key_figures; the rules in
    its header), CTEs for its `with`: npr_key_figure_counts() renders kinds .. `stays` and
    `patients` (year, region_code, figure, n_counted). The kinds of contact (care type,
    urgency group, provider type) are matched against the figures' conditions once; stays
    count the contacts of their kinds, patients the distinct persons (without a join per
    figure: each person's figures as a bit mask). Reads the model's CTEs region_contacts,
    figures and patient_figures.
#}
{% macro npr_key_figure_counts() -%}
-- The kinds of contact (care type, urgency group, provider type) and the figures each
-- counts in: a handful of rows, matched against the figures' conditions once.
kinds as (
    select
        care_type,
        urgency_group,
        provider_type
    from region_contacts
    group by
        care_type,
        urgency_group,
        provider_type
),

kind_figures as (
    select
        kinds.care_type,
        kinds.urgency_group,
        kinds.provider_type,
        figures.figure,
        figures.counting_unit,
        patient_figures.figure_bit
    from kinds
    inner join figures
        on
            (figures.care_type is null or kinds.care_type = figures.care_type)
            and (figures.urgency_group is null or kinds.urgency_group = figures.urgency_group)
            and (figures.provider_type is null or kinds.provider_type = figures.provider_type)
    left join patient_figures
        on figures.figure = patient_figures.figure
),

-- Per contact kind: the patient figures it puts its patient in.
kind_patient_masks as (
    select
        care_type,
        urgency_group,
        provider_type,
        bit_or(figure_bit) as patient_figures
    from kind_figures
    where counting_unit = 'patients'
    group by
        care_type,
        urgency_group,
        provider_type
),

stays as (
    select
        region_contacts.year,
        region_contacts.region_code,
        kind_figures.figure,
        count(*) as n_counted
    from region_contacts
    inner join kind_figures
        on
            region_contacts.care_type = kind_figures.care_type
            and region_contacts.urgency_group = kind_figures.urgency_group
            and region_contacts.provider_type = kind_figures.provider_type
    where kind_figures.counting_unit = 'stays'
    group by
        region_contacts.year,
        region_contacts.region_code,
        kind_figures.figure
),

-- Distinct patients without a join per figure: each person's figures as one bit mask, then
-- how many persons share a mask (few distinct masks), then the persons whose mask holds
-- the figure's bit. Contacts without a person id are not patients.
person_masks as (
    select
        region_contacts.year,
        region_contacts.region_code,
        region_contacts.person_id,
        bit_or(kind_patient_masks.patient_figures) as patient_figures
    from region_contacts
    inner join kind_patient_masks
        on
            region_contacts.care_type = kind_patient_masks.care_type
            and region_contacts.urgency_group = kind_patient_masks.urgency_group
            and region_contacts.provider_type = kind_patient_masks.provider_type
    where region_contacts.person_id is not null
    group by
        region_contacts.year,
        region_contacts.region_code,
        region_contacts.person_id
),

mask_counts as (
    select
        year,
        region_code,
        patient_figures,
        count(*) as n_patients
    from person_masks
    group by
        year,
        region_code,
        patient_figures
),

patients as (
    select
        mask_counts.year,
        mask_counts.region_code,
        patient_figures.figure,
        sum(mask_counts.n_patients) as n_counted
    from mask_counts
    inner join patient_figures
        on (mask_counts.patient_figures & patient_figures.figure_bit) <> 0
    group by
        mask_counts.year,
        mask_counts.region_code,
        patient_figures.figure
)
{%- endmacro %}
