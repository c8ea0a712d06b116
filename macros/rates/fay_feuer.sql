{#
    Fay-Feuer (1997) gamma interval of a directly standardised rate, 95%.

    With the stratum weights w_i (reference-population shares, summing to 1 over the sample's
    strata), events d_i and population n_i, the rate y = sum w_i d_i / n_i, its variance
    v = sum w_i^2 d_i / n_i^2 and w_M = max w_i / n_i (over all strata, also those without
    events), all in the same unit (per 100,000):
        lower = v / y * G^-1(0.025; shape y^2 / v)                            (0 when y = 0)
        upper = (v + w_M^2) / (y + w_M) * G^-1(0.975; shape (y + w_M)^2 / (v + w_M^2))
    where G^-1(p; a) is the p-quantile of the gamma distribution with shape a and scale 1
    (R: qgamma; PHEindicatormethods' "gammaFF"/epitools' ageadjust.direct).

    No target database has an inverse incomplete gamma function, so G^-1 is interpolated in
    the seed ref_gamma_quantiles (written by `clinical-dashboard build-method-tables` with
    SciPy; see src/clinical_dashboard/method_tables.py): ratio = G^-1 / a tabulated on a grid of
    ln(a) with step 0.0005 for a in [0.995, 8.9e6], linear interpolation in ln(a); relative
    error below 2.1e-7. Above the grid the Wilson-Hilferty approximation is used (relative
    error below 6e-13 there). The shapes are at least 1 when events are whole numbers.

    gamma_quantile_grid_index(shape): the grid row to join (ref_gamma_quantiles.grid_index).
    gamma_quantile(shape, grid, side): the quantile, given the joined grid row alias `grid`
        and side 'lower' (p = 0.025) or 'upper' (p = 0.975).
#}
{% macro gamma_quantile_grid_step() -%}0.0005{%- endmacro %}

{% macro gamma_quantile_grid_max_log_shape() -%}16{%- endmacro %}

{% macro gamma_quantile_grid_index(shape) -%}
    cast(floor(ln({{ shape }}) / {{ gamma_quantile_grid_step() }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro gamma_quantile(shape, grid, side) -%}
    {%- set z = {'lower': '-1.959963984540054', 'upper': '1.959963984540054'}[side] -%}
    case
        when {{ shape }} is null then null
        when ln({{ shape }}) >= {{ gamma_quantile_grid_max_log_shape() }}
            then {{ shape }} * power(
                1 - 1 / (9 * {{ shape }}) + ({{ z }}) / (3 * sqrt({{ shape }})), 3
            )
        else {{ shape }} * (
            {{ grid }}.ratio_{{ side }}
            + (ln({{ shape }}) / {{ gamma_quantile_grid_step() }} - {{ grid }}.grid_index)
            * ({{ grid }}.ratio_{{ side }}_next - {{ grid }}.ratio_{{ side }})
        )
    end
{%- endmacro %}

{#
    The Fay-Feuer bounds themselves, for every model that standardises (int_standardised_rates
    and the frailty rates of models/intermediate/municipal/), so the formula above is written
    once. rate = y, variance = v, max_weight = w_M (all in the same unit), events = sum d_i;
    lower_shape / upper_shape are the expressions (or columns) of the two shapes, and grid
    the alias of the ref_gamma_quantiles row joined on gamma_quantile_grid_index(shape).
#}
{% macro fay_feuer_lower_shape(rate, variance, events) -%}
    case
        when {{ events }} > 0 and {{ variance }} > 0
            then {{ rate }} * {{ rate }} / {{ variance }}
    end
{%- endmacro %}

{% macro fay_feuer_upper_shape(rate, variance, max_weight) -%}
    ({{ rate }} + {{ max_weight }}) * ({{ rate }} + {{ max_weight }})
    / ({{ variance }} + {{ max_weight }} * {{ max_weight }})
{%- endmacro %}

{% macro fay_feuer_lower(rate, variance, events, lower_shape, grid) -%}
    case
        when {{ events }} = 0 then 0
        when {{ lower_shape }} is null then null
        else {{ variance }} / {{ rate }} * {{ gamma_quantile(lower_shape, grid, 'lower') }}
    end
{%- endmacro %}

{% macro fay_feuer_upper(rate, variance, max_weight, upper_shape, grid) -%}
    ({{ variance }} + {{ max_weight }} * {{ max_weight }}) / ({{ rate }} + {{ max_weight }})
    * {{ gamma_quantile(upper_shape, grid, 'upper') }}
{%- endmacro %}
