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

{#- The current version of every partition: {key: {'partition', 'year', 'version'}}, the key
    '<partition>/<year>' (or '<year>' without a partition column). Only the configured data
    years (var data_years) get a version, so only they are ever computed: the entries' rows
    of any other year (staging quarantines them as `outside_data_years`, but they are rows
    of the raw tables all the same) must not make a build compute a year of their own. -#}
{% macro year_rebuild_versions(entries, cross_year) -%}
    {%- set years = data_years() -%}
    {%- set selects = [] -%}
    {%- for entry in entries -%}
        {%- do selects.append(
            "select cast(" ~ entry.year ~ " as integer) as year, '" ~ entry.model ~ "' as part, "
            ~ "count(*) as n_rows, " ~ year_rebuild_fingerprint(entry.columns) ~ " as fingerprint "
            ~ "from " ~ entry.get('from', year_rebuild_relation(entry.model))
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
    {%- set partitions = {} -%}
    {%- for entry in entries -%}
        {%- do partitions.update({entry.model: entry.get('partition')}) -%}
    {%- endfor -%}
    {%- set every_year, texts = [], {} -%}
    {%- for row in result.rows -%}
        {%- set text = row['part'] ~ '=' ~ row['n_rows'] ~ ':' ~ row['fingerprint'] -%}
        {%- if row['year'] is none -%}
            {%- do every_year.append(text) -%}
        {%- else -%}
            {%- set partition = partitions[row['part']] -%}
            {%- set key = (partition ~ '/' if partition else '') ~ (row['year'] | int) -%}
            {%- if key not in texts -%}
                {%- do texts.update({key: {'partition': partition, 'year': row['year'] | int,
                                           'parts': []}}) -%}
            {%- endif -%}
            {%- do texts[key].parts.append(text) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set rules = local_md5(year_rebuild_rules_text()) -%}
    {%- set versions = {} -%}
    {%- for key, found in texts.items() -%}
        {%- set parts = (found.parts + every_year) | sort | join(';') -%}
        {%- do versions.update({key: {
            'partition': found.partition, 'year': found.year,
            'version': local_md5(rules ~ '|' ~ key ~ '|' ~ parts)}}) -%}
    {%- endfor -%}
    {{ return(versions) }}
{%- endmacro %}

{#- The partitions this run computes (keys of `versions`): every one, or on an incremental
    run those whose current version the model does not hold (a version names its partition:
    its key is in the md5). -#}
{% macro year_rebuild_changed(versions) -%}
    {%- if not year_rebuild_is_incremental() -%}
        {{ return(versions.keys() | list | sort) }}
    {%- endif -%}
    {#- a table built before this mechanism (or by other rules) without input_version: every
        partition is computed; on_schema_change sync_all_columns adds the column -#}
    {%- set built_columns = adapter.get_columns_in_relation(this)
        | map(attribute='name') | map('lower') | list -%}
    {%- if 'input_version' not in built_columns -%}
        {{ return(versions.keys() | list | sort) }}
    {%- endif -%}
    {%- set built = run_query("select distinct input_version from " ~ this) -%}
    {%- set held = built.columns[0].values() | list -%}
    {%- set changed = [] -%}
    {%- for key, part in versions.items() if part.version not in held -%}
        {%- do changed.append(key) -%}
    {%- endfor -%}
    {{ return(changed | sort) }}
{%- endmacro %}

{#- The plan of this run: {'versions': {key: {partition, year, version}}, 'changed': [keys to
    compute], 'year_column', 'partition_column'}. `entries`: dicts with model (an upstream
    model that reads a source), year (its year column, or an expression) and columns (what
    identifies a row and its outcome there), optionally `from` (what to read instead of the
    model's relation) and `partition` (the model's partition the entry's rows fall in);
    `cross_year`: upstream tables whose rows summarise several years (all their columns are
    compared); `year_column`: the model's own year column; `partition_column`: its column
    that holds the entries' partitions, if it has one. At parse time (no database) and in
    unit tests an empty plan; a unit test's has `fixtures_only` (year_rebuild_filter then
    reads every year of the fixtures). -#}
{% macro year_rebuild_plan(entries, cross_year=[], year_column='year', partition_column=none) -%}
    {%- set plan = {'versions': {}, 'changed': [], 'year_column': year_column,
                    'partition_column': partition_column} -%}
    {#- A unit test builds the model from its fixtures in one statement: nothing to compare. -#}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {%- do plan.update({'fixtures_only': model.resource_type == 'unit_test'}) -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- do year_rebuild_check_entries(entries) -%}
    {#- `dbt compile` or `docs generate` before a first build: no tables to read yet (a build
        always has them: they are upstream; an empty plan there fails input_version's
        not_null test) -#}
    {%- for name in (entries | map(attribute='model') | list) + cross_year -%}
        {%- set wanted = year_rebuild_relation(name) -%}
        {%- set found = adapter.get_relation(wanted.database, wanted.schema, wanted.identifier) -%}
        {%- if found is none -%}
            {{ return(plan) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set versions = year_rebuild_versions(entries, cross_year) -%}
    {%- set changed = year_rebuild_changed(versions) -%}
    {%- if year_rebuild_is_incremental() -%}
        {{ log(model.name ~ ": year_rebuild computes " ~ ((changed | join(', ')) or 'nothing')
               ~ " and keeps " ~ ((versions | length) - (changed | length)) ~ " partitions",
               info=true) }}
    {%- endif -%}
    {%- do plan.update({'versions': versions, 'changed': changed}) -%}
    {{ return(plan) }}
{%- endmacro %}

{#- An incremental run (never in a unit test: dbt's is_incremental() needs `this`, which a
    unit test does not have). -#}
{% macro year_rebuild_is_incremental() -%}
    {{ return(model.resource_type != 'unit_test' and is_incremental()) }}
{%- endmacro %}


{#- The entry of the NPR activity contacts: int_npr__contacts, the one table of their staged
    rows, by data year. Its input_version (per source and year: raw_year_entries) decides
    every row of a partition, so the versions read that one column of the table instead of
    judging every raw row again per model. -#}
{% macro npr_contacts_year_entries() -%}
    {{ return([{
        'model': 'int_npr__contacts',
        'year': 'year',
        'columns': ['input_version'],
    }]) }}
{%- endmacro %}

{#- Entries for base models (models/staging/*/base, views over a raw table), read where their
    rows enter: the raw rows by their data year (the year expression of the source's contract,
    raw_contract: the year of the discharge date for NPR activity, of the service date for
    HELFO, aar for FHI and NKI, as staging gives it), each with its row of the source's
    repeated ids (a later copy, a conflicting id). A base row's outcome and values follow
    from these and the rules (seeds, vars), so they decide what a model reads of the view,
    and they are read without judging a row. With `partitioned`, each entry's partition is
    its raw table's name (int_npr__contacts' partitions: the value of its column source). -#}
{% macro raw_year_entries(models, partitioned=false) -%}
    {%- set entries = [] -%}
    {#- at parse time and in a unit test dbt's graph is empty (and the plan reads nothing) -#}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ return(entries) }}
    {%- endif -%}
    {%- for name in models -%}
        {%- set base = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
            | selectattr('name', 'equalto', name) | first -%}
        {%- set raw_ids, repeated_ids = [], [] -%}
        {%- for node_id in base.depends_on.nodes -%}
            {%- if node_id.startswith('source.') -%}
                {%- do raw_ids.append(node_id) -%}
            {%- elif node_id.startswith('model.') -%}
                {%- do repeated_ids.append(node_id) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if raw_ids | length != 1 or repeated_ids | length != 1 -%}
            {{ exceptions.raise_compiler_error(
                "raw_year_entries: " ~ name ~ " must read one raw table and one model (its "
                ~ "repeated ids), not " ~ (base.depends_on.nodes | join(', '))) }}
        {%- endif -%}
        {%- set raw = graph.sources[raw_ids[0]] -%}
        {%- set raw_relation = api.Relation.create(
            database=raw.database, schema=raw.schema, identifier=raw.identifier) -%}
        {%- set year = raw_contract(raw.name).year -%}
        {%- set entry = {
            'model': name,
            'from': raw_relation ~ ' as raw_rows left join '
                ~ year_rebuild_relation(graph.nodes[repeated_ids[0]].name) ~ ' as repeated_ids'
                ~ ' on raw_rows._file = repeated_ids.dedup_file'
                ~ ' and raw_rows._line = repeated_ids.dedup_line',
            'year': year,
            'columns': [
                'raw_rows._file', 'raw_rows._line', 'raw_rows._delivery_hash',
                'repeated_ids.copy_number', 'repeated_ids.n_copies', 'repeated_ids.n_id_rows',
            ],
        } -%}
        {%- if partitioned -%}
            {%- do entry.update({'partition': raw.name}) -%}
        {%- endif -%}
        {%- do entries.append(entry) -%}
    {%- endfor -%}
    {{ return(entries) }}
{%- endmacro %}
