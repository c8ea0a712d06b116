{#
    The codes of every HELFO imaging invoice in long form, one row per invoice, code field and
    code: the input of the sample membership. Code fields (ref_sample_codes.code_field):
      procedure         the NCRP code (normalised), e.g. `SAA0AD`; `ZTX0BC` = secondary
                        examination only
      imaging_modality  the first word of the code's title in ref_procedure_codes, upper case:
                        RG/RGA/RGV X-ray, CT/CTA/CTV, MR/MRA/MRV, UL ultrasound, NM,
                        PET/CT-18F, PET/MR-68Ga ... (seed 000 names the modalities this way)
    Codes the code list does not know have no modality. A view.
#}
with codes as (
    select
        invoice_id,
        source,
        procedure_code
    from {{ ref('stg_helfo__imaging_invoice_codes') }}
    where procedure_code is not null
),

modalities as (
    select
        procedure_code,
        upper(split_part(title_nb, ' ', 1)) as imaging_modality
    from {{ ref('ref_procedure_codes') }}
    where code_system = 'NCRP'
)

select
    codes.invoice_id,
    codes.source,
    'procedure' as code_field,
    codes.procedure_code as code
from codes
union all
select
    codes.invoice_id,
    codes.source,
    'imaging_modality' as code_field,
    modalities.imaging_modality as code
from codes
inner join modalities
    on codes.procedure_code = modalities.procedure_code
