{#
    GENERATED from the source contracts (contracts/<source>.yml) by
    `clinical-dashboard contracts dbt-sources`: do not edit; change the contract and rerun
    (src/tests/test_contracts.py fails when this file is stale).

    raw_contract(source_name): a raw table's record key (the contract's key columns), its
    delivered columns in file order and its data year (an expression over the landed year
    column: the year of a date, or the year itself), as {'key': [...], 'columns': [...],
    'year': '...'}. A macro rather than the dbt sources' graph: unit tests (dbt gives them no
    graph) and the linter read the same key and columns as a build (raw_contract_columns.sql
    turns them into SQL).
#}
{% macro raw_contract(source_name) -%}
    {#- the columns of npr_som, npr_avtalesom, npr_phv, npr_avtalephv, npr_phbu, npr_tsb -#}
    {%- set npr_som_columns = [
        'kontakt_id', 'lopenr', 'kjonn', 'fodselsar', 'alder', 'komnrhjem', 'bydelhjem', 'orgnr',
        'omsorgsniva', 'innmatehast', 'inndato', 'utdato', 'hovedtilstand', 'bitilstand_1',
        'bitilstand_2', 'bitilstand_3', 'prosedyre_1', 'prosedyre_2', 'prosedyre_3',
        'prosedyre_4', 'prosedyre_5', 'fagomrade', 'drg', 'drg_type', 'korrvekt', 'isf_tellende',
        'drg_tjenestetype', 'aktivitetskategori', 'kontaktform', 'stg', 'debitor',
    ] -%}
    {%- set contracts = {
        'npr_som': {
            'key': ['kontakt_id'],
            'year': 'extract(year from utdato)',
            'columns': npr_som_columns,
        },
        'npr_avtalesom': {
            'key': ['kontakt_id'],
            'year': 'extract(year from utdato)',
            'columns': npr_som_columns,
        },
        'npr_phv': {
            'key': ['kontakt_id'],
            'year': 'extract(year from utdato)',
            'columns': npr_som_columns,
        },
        'npr_avtalephv': {
            'key': ['kontakt_id'],
            'year': 'extract(year from utdato)',
            'columns': npr_som_columns,
        },
        'npr_phbu': {
            'key': ['kontakt_id'],
            'year': 'extract(year from utdato)',
            'columns': npr_som_columns,
        },
        'npr_phbu_referrals': {
            'key': ['henvisning_id'],
            'year': 'extract(year from mottatt_dato)',
            'columns': [
                'henvisning_id', 'lopenr', 'kjonn', 'fodselsar', 'alder', 'komnrhjem',
                'bydelhjem', 'orgnr', 'mottatt_dato', 'vurdering_dato', 'vurdering', 'fagomrade',
            ],
        },
        'npr_tsb': {
            'key': ['kontakt_id'],
            'year': 'extract(year from utdato)',
            'columns': npr_som_columns,
        },
        'helfo_lab': {
            'key': ['fakturanr'],
            'year': 'extract(year from provedato)',
            'columns': [
                'fakturanr', 'lopenr', 'kjonn', 'fodselsar', 'alder', 'komnrhjem', 'bydelhjem',
                'laboratorietype', 'orgnr', 'provedato', 'analysekoder', 'refusjon_nok',
            ],
        },
        'helfo_imaging': {
            'key': ['fakturanr'],
            'year': 'extract(year from undersokelsesdato)',
            'columns': [
                'fakturanr', 'lopenr', 'kjonn', 'fodselsar', 'alder', 'komnrhjem', 'bydelhjem',
                'tilbydertype', 'orgnr', 'undersokelsesdato', 'prosedyrekoder', 'refusjon_nok',
            ],
        },
        'fhi_waiting_lists': {
            'key': ['aar', 'opptaksomrade', 'fagomrade', 'aldersgruppe'],
            'year': 'aar',
            'columns': [
                'aar', 'opptaksomrade', 'opptaksomrade_navn', 'fagomrade', 'aldersgruppe',
                'nyhenviste', 'ventetid_gjennomsnitt', 'ventetid_median',
            ],
        },
        'nki_discharge_summaries': {
            'key': ['aar', 'behandlende_hf', 'sektor'],
            'year': 'aar',
            'columns': [
                'aar', 'behandlende_hf', 'behandlende_hf_navn', 'sektor', 'teller', 'nevner',
            ],
        },
        'cancer_survival': {
            'key': ['aar', 'omradeniva', 'omrade', 'kreftsted'],
            'year': 'aar',
            'columns': [
                'aar', 'diagnoseperiode_fra', 'diagnoseperiode_til', 'omradeniva', 'omrade',
                'omrade_navn', 'kreftsted', 'antall_pasienter', 'relativ_overlevelse', 'nedre_ki',
                'ovre_ki',
            ],
        },
        'kpr_contacts': {
            'key': ['kontakt_id'],
            'year': 'extract(year from kontaktdato)',
            'columns': [
                'kontakt_id', 'lopenr', 'kjonn', 'fodselsar', 'alder', 'komnrhjem', 'bydelhjem',
                'kontaktdato', 'tertial', 'kontakttype', 'hoveddiagnose',
            ],
        },
        'iplos_services': {
            'key': ['iplos_id'],
            'year': 'aar',
            'columns': [
                'iplos_id', 'lopenr', 'kjonn', 'fodselsar', 'alder', 'komnrhjem', 'bydelhjem',
                'aar', 'tjeneste', 'funksjonsniva', 'vedtak_start', 'vedtak_slutt',
            ],
        },
    } -%}
    {%- if source_name not in contracts -%}
        {{ exceptions.raise_compiler_error('no contract for a raw table named ' ~ source_name) }}
    {%- endif -%}
    {{ return(contracts[source_name]) }}
{%- endmacro %}
