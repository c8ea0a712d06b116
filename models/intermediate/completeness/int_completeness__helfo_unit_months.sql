{#
    The HELFO part of int_completeness__unit_months: the laboratory and imaging invoices, by
    service date, per delivering practice; HELFO has no diagnosis to judge. The rules are in
    macros/completeness/completeness_unit_months.sql and the yml.
#}
{{ completeness_unit_months([
    {'model': 'base_helfo__lab_invoices', 'date': 'base.service_date'},
    {'model': 'base_helfo__imaging_invoices', 'date': 'base.service_date'},
]) }}
