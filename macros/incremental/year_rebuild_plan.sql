{#
    The data macros of macros/incremental/year_rebuild.sql (what a run computes and why):
    year_rebuild_plan() and the pieces it is made of (what the rows follow from, read from
    dbt's graph: macros/incremental/year_rebuild_rules.sql). Macros that return data rather than
    SQL sit in a file of their own (sqlfluff's jinja templater passes a `return` value on
    only between macros of different files).
#}

{#- The project's vars (dbt_project.yml): a change to any of them changes the rules. A pytest
    (src/tests/test_year_rebuild.py) keeps this list equal to the project's. -#}
{% macro year_rebuild_vars() -%}
    {{ return([
        'catchment_mapping_version',
        'reference_population_year',
        'data_years',
        'max_length_of_stay_days',
        'max_referral_assessment_days',
        'min_cell_count',
        'public_mart_count_columns',
        'completeness_thresholds',
        'completeness_min_rows',
        'health_community_municipalities',
        'dashboard_exports',
    ]) }}
{%- endmacro %}

{#- The current input_version of every year: {year: version}. Only the configured data
    years (var data_years) get a version, so only they are ever computed: the entries' rows
    of any other year (staging quarantines them as `outside_data_years`, but they are rows
    of the base models all the same) must not make a build compute a year of their own. -#}
{% macro year_rebuild_versions(entries, cross_year) -%}
    {%- set years = data_years() -%}
    {%- set selects = [] -%}
    {%- for entry in entries -%}
        {%- do selects.append(
            "select cast(" ~ entry.year ~ " as integer) as year, '" ~ entry.model ~ "' as part, "
            ~ "count(*) as n_rows, " ~ year_rebuild_fingerprint(entry.columns) ~ " as fingerprint "
            ~ "from " ~ year_rebuild_relation(entry.model)
            ~ " where " ~ entry.year ~ " between " ~ years.first ~ " and " ~ years.last
            ~ " group by " ~ entry.year) -%}
    {%- endfor -%}
    {%- for name in cross_year -%}
        {%- set relation = year_rebuild_relation(name) -%}
        {%- set columns = adapter.get_columns_in_relation(relation)
            | map(attribute='quoted') | list -%}
        {%- do selects.append(
            "select cast(null as integer) as year, '" ~ name ~ "' as part, count(*) as n_rows, "
            ~ year_rebuild_fingerprint(columns) ~ " as fingerprint from " ~ relation) -%}
    {%- endfor -%}
    {%- set result = run_query(selects | join('\nunion all\n')) -%}
    {%- set every_year, yearly = [], {} -%}
    {%- for row in result.rows -%}
        {%- set text = row['part'] ~ '=' ~ row['n_rows'] ~ ':' ~ row['fingerprint'] -%}
        {%- if row['year'] is none -%}
            {%- do every_year.append(text) -%}
        {%- else -%}
            {%- do yearly.setdefault(row['year'] | int, []).append(text) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set rules = local_md5(year_rebuild_rules_text()) -%}
    {%- set versions = {} -%}
    {%- for year, texts in yearly.items() -%}
        {%- set parts = (texts + every_year) | sort | join(';') -%}
        {%- do versions.update({year: local_md5(rules ~ '|' ~ parts)}) -%}
    {%- endfor -%}
    {{ return(versions) }}
{%- endmacro %}

{#- The (lower-case) columns of the model's previous build. -#}
{% macro year_rebuild_built_columns() -%}
    {%- set columns = adapter.get_columns_in_relation(this) -%}
    {{ return(columns | map(attribute='name') | map('lower') | list) }}
{%- endmacro %}

{#- The years this run computes: every year, or on an incremental run those whose current
    version the model does not hold. -#}
{% macro year_rebuild_changed_years(versions, year_column) -%}
    {%- if not year_rebuild_is_incremental() -%}
        {{ return(versions.keys() | list) }}
    {%- endif -%}
    {%- set held = [] -%}
    {#- a table built before this mechanism (or by other rules) without input_version: every
        year is computed; on_schema_change sync_all_columns adds the column -#}
    {%- if 'input_version' not in year_rebuild_built_columns() -%}
        {{ return(versions.keys() | list | sort) }}
    {%- endif -%}
    {%- set built = run_query("select distinct " ~ year_column ~ " as year, input_version from "
                              ~ this) -%}
    {%- for row in built.rows -%}
        {%- do held.append((row['year'] | int) ~ ':' ~ row['input_version']) -%}
    {%- endfor -%}
    {%- set changed = [] -%}
    {%- for year, version in versions.items() -%}
        {%- if (year ~ ':' ~ version) not in held -%}
            {%- do changed.append(year) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(changed | sort) }}
{%- endmacro %}

{#- The plan of this run: {'versions': {year: input_version}, 'changed': [years to compute]}.
    `entries`: dicts with model (an upstream model that reads a source), year (its year
    column) and columns (what identifies a row and its outcome there); `cross_year`:
    upstream tables whose rows summarise several years (all their columns are compared);
    `year_column`: the model's own year column. At parse time (no database) and in unit
    tests an empty plan; a unit test's has `fixtures_only` (year_rebuild_filter then reads
    every year of the fixtures). -#}
{% macro year_rebuild_plan(entries, cross_year=[], year_column='year') -%}
    {#- A unit test builds the model from its fixtures in one statement: nothing to compare. -#}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return({'versions': {}, 'changed': [],
                   'fixtures_only': model.resource_type == 'unit_test'}) }}
    {%- endif -%}
    {%- do year_rebuild_check_entries(entries) -%}
    {#- `dbt compile` or `docs generate` before a first build: no tables to read yet (a build
        always has them: they are upstream; an empty plan there fails input_version's
        not_null test) -#}
    {%- for name in (entries | map(attribute='model') | list) + cross_year -%}
        {%- set wanted = year_rebuild_relation(name) -%}
        {%- set found = adapter.get_relation(wanted.database, wanted.schema, wanted.identifier) -%}
        {%- if found is none -%}
            {{ return({'versions': {}, 'changed': []}) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set versions = year_rebuild_versions(entries, cross_year) -%}
    {%- set changed = year_rebuild_changed_years(versions, year_column) -%}
    {%- if year_rebuild_is_incremental() -%}
        {{ log(model.name ~ ": year_rebuild computes " ~ ((changed | join(', ')) or 'no year')
               ~ " and copies " ~ ((versions | length) - (changed | length)) ~ " years", info=true) }}
    {%- endif -%}
    {{ return({'versions': versions, 'changed': changed}) }}
{%- endmacro %}

{#- An incremental run (never in a unit test: dbt's is_incremental() needs `this`, which a
    unit test does not have). -#}
{% macro year_rebuild_is_incremental() -%}
    {{ return(model.resource_type != 'unit_test' and is_incremental()) }}
{%- endmacro %}

{#- Entries for base models (models/staging/*/base): the year of a row is its contact year
    (NPR), service year (HELFO), referral year (FHI) or discharge year (NKI); a base row changes only when its
    delivery file is built again (source_file, source_line, delivery_hash) and its outcome
    (staged, quarantined, a duplicate) may change when another file is, so these four columns
    identify what a downstream model sees of it. -#}
{% macro base_year_entries(models) -%}
    {%- set year_columns = {
        'npr': 'contact_year', 'helfo': 'service_year', 'fhi': 'referral_year',
        'nki': 'discharge_year',
    } -%}
    {%- set entries = [] -%}
    {%- for name in models -%}
        {%- do entries.append({
            'model': name,
            'year': year_columns[name.split('__')[0].replace('base_', '')],
            'columns': ['source_file', 'source_line', 'delivery_hash', 'outcome'],
        }) -%}
    {%- endfor -%}
    {{ return(entries) }}
{%- endmacro %}

{#- The entry of the NPR activity contacts: int_npr__contacts, the one table of their staged
    rows, by data year. A year's staged rows (file, line and the delivery's hash; the seeds
    and vars that judged them are in the rules) decide everything a year-by-year model reads of
    NPR, and the base views and repeated ids upstream of the table are covered by it, so the
    versions read one narrow table instead of judging every raw row again per model. -#}
{% macro npr_contacts_year_entries() -%}
    {{ return([{
        'model': 'int_npr__contacts',
        'year': 'year',
        'columns': ['source_file', 'source_line', 'delivery_hash'],
    }]) }}
{%- endmacro %}

{#- On an incremental run, whether the previous build has every column to copy (it lacks one
    when its rules were others: then every year is computed). -#}
{% macro year_rebuild_can_copy(columns) -%}
    {%- if not year_rebuild_is_incremental() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set built_columns = year_rebuild_built_columns() -%}
    {%- for column in columns + ['input_version'] -%}
        {%- if column | lower not in built_columns -%}
            {{ return(false) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}
