{#
    The NPR part of int_completeness__unit_months: the six NPR activity extracts (by discharge
    date, with their main diagnosis judged against ref_icd10_codes) and the PHBU referrals (by
    date received). A model per source family, so that an NPR delivery rebuilds the NPR counts
    only (the HELFO and KPR families read the largest extracts). The rules are in
    macros/completeness/completeness_unit_months.sql and the yml.
#}
{%- set inputs = [] %}
{%- for source in npr_activity_tables() %}
    {%- do inputs.append({
        'model': 'base_npr__' ~ source, 'date': 'base.discharge_date', 'diagnosis': true,
    }) %}
{%- endfor %}
{%- do inputs.append({'model': 'base_npr__phbu_referrals', 'date': 'base.received_date'}) %}
{{ completeness_unit_months(inputs) }}
