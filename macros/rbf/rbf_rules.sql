{#
    The fixed rules of result-based financing (RBF, seed 003; SPEC section 10) that are not
    parameters of an RBF year (those are the seeds in seeds/parameters/ref_rbf_*).

    rbf_npr_sources(): the NPR activity sources of the ISF data the indicators count, with
        their sector in the terms of ref_rbf_indicators.sector: NPR-SOM is `somatic`,
        NPR-PHV, NPR-PHBU and NPR-TSB are `mental_health_tsb`. The contracted specialists'
        sources (NPR-AvtaleSOM, NPR-AvtalePHV) are not health-trust activity (the appendix of
        seed 003 counts "per helseforetak") and do not enter.
    rbf_share_decimals(): a share is classified on the step model after rounding to this many
        decimals of a fraction (4 = 0.01 percentage points): seed 003 table 4 lists shares in
        percent with two decimals and no gaps between its steps only at that precision
        (0-2.99, 3-5.99, ...), so 2.996 % counts as 3.00 %.
    rbf_attainment_decimals(): attainment = rounded share / target is rounded to this many
        decimals before the step lookup, so that floating-point noise cannot move it across
        a bound (in doubles 0.01 / 0.05 = 0.19999999999999998 and 0.14 / 0.70 =
        0.20000000000000004).
    rbf_points_decimals(): points are rounded to this many decimals.
    rbf_sector_matches(indicator_sector, contact_sector): true when a contact of
        contact_sector counts for an indicator of indicator_sector
        (`somatic_and_mental_health_tsb` takes both).
#}
{% macro rbf_npr_sources() -%}
    {{ return({
        'npr_som': 'somatic',
        'npr_phv': 'mental_health_tsb',
        'npr_phbu': 'mental_health_tsb',
        'npr_tsb': 'mental_health_tsb',
    }) }}
{%- endmacro %}

{% macro rbf_share_decimals() -%}4{%- endmacro %}

{% macro rbf_attainment_decimals() -%}9{%- endmacro %}

{% macro rbf_points_decimals() -%}6{%- endmacro %}

{% macro rbf_sector_matches(indicator_sector, contact_sector) -%}
    ({{ indicator_sector }} = 'somatic_and_mental_health_tsb'
    or {{ indicator_sector }} = {{ contact_sector }})
{%- endmacro %}
