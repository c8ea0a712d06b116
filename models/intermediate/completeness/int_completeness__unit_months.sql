{#
    Delivered rows per source, year, month and reporting unit, with what fct_data_completeness
    reports (SPEC section 11): staged and quarantined rows (by reason), and among the staged
    rows those with a linkable person id, a known residence and (NPR activity only) a valid
    main diagnosis. Aggregated: no person-level data.

    - Rows: every row of the row-level deliveries once: the six NPR activity extracts, the
      PHBU referrals, the two HELFO invoice extracts and the two KPR extracts. The aggregated
      extracts (FHI waiting lists, NKI, Cancer Registry) have no reporting unit or month and
      are not here.
    - Input: the staging base models, the one place where every delivered row is typed with
      its outcome (staged, quarantined with a reason code, or deduplicated); the quarantine
      models carry neither the reporting unit nor the date that place a row in this grid.
    - Reporting unit: the delivering institution or practice (orgnr, staging provider_id);
      NULL when missing. KPR: the residence municipality as delivered
      (int_completeness__kpr_unit_months).
    - Month: of the date the row counts by (NPR activity: discharge date; referrals: date
      received; HELFO: service date; KPR: contact date); NULL when the date could not be read
      (such rows are quarantined). Year: of that date, else the year of the delivered file
      (`<source>/<year>.csv`); a date outside the configured data years (var data_years;
      quarantined as `outside_data_years`) is not trusted either: such a row is placed in
      its file's year with month NULL, so one row dated 2031 adds no year 2031 here.
    - Valid main diagnosis: present and a code of ref_icd10_codes after staging's
      normalisation; NULL for the sources without a diagnosis.

    The counts are made per source family (int_completeness__npr_unit_months, __helfo_, __kpr_:
    macros/completeness/completeness_unit_months.sql), each a table that only a delivery of
    its own family rebuilds; this view puts them together. Its rows are the families' rows:
    every key (source, year, month, unit) belongs to one source, so to one family.
#}
{#- The families' columns are the same by construction (one macro writes them). -#}
{%- set families = ['npr', 'helfo', 'kpr'] %}
{%- for family in families %}
    select * from {{ ref('int_completeness__' ~ family ~ '_unit_months') }}  -- noqa: AM04
    {%- if not loop.last %}
        union all
    {%- endif %}
{%- endfor %}
