{#
    The KPR part of int_completeness__unit_months (issue 32): the contacts (by contact date)
    and the IPLOS decisions (a yearly delivery without a month of its own: month NULL, the
    year of the file). Their extracts name no delivering practice, so the reporting unit is
    the residence municipality as delivered (municipality_code_reported: the municipality
    reports IPLOS, and its residents' claims make up its KPR); NULL when blank. A contact
    without a person id (a claim KPR could not link) is a staged row without a linkable
    person: counted, never dropped. The rules are in
    macros/completeness/completeness_unit_months.sql and the yml.
#}
{{ completeness_unit_months([
    {'model': 'base_kpr__contacts', 'date': 'base.contact_date',
     'reporting_unit': 'base.municipality_code_reported'},
    {'model': 'base_kpr__iplos_services', 'date': 'cast(null as date)',
     'reporting_unit': 'base.municipality_code_reported'},
]) }}
