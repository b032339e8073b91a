-- One row describing this build: where the raw data came from (synthetic demo cohort or
-- real files, with every raw file's size and SHA-256), the grouping and every dbt variable
-- in force, and the versions of the code that built it. `calcomics build` passes the git
-- commit (CALCOMICS_GIT_COMMIT) and writes finished_at after dbt succeeds, just before the
-- swap; a plain `dbt build` leaves finished_at null.
{%- set raw_dir = env_var('CALCOMICS_RAW_DIR', 'data/raw') | replace("'", "''") -%}
{#- The demo generator's marker (calcomics.warehouse.raw_layout.DEMO_MARKER). -#}
{%- set demo_marker = 'calcomics_demo.json' -%}
{#- Every variable: the project's (dbt_project.yml, read at run time) and the --vars ones,
    each resolved as models see it (command line over project). -#}
{%- set all_vars = {} -%}
{%- set project_dir = (invocation_args_dict.get('project_dir') or '.') | replace("'", "''") -%}
{%- if execute -%}
    {%- set project_file = run_query(whole_file_text(project_dir ~ '/dbt_project.yml')) -%}
    {%- set project_vars = fromyaml(project_file.columns[0].values()[0]).get('vars') or {} -%}
    {%- set cli_vars = invocation_args_dict.get('vars') or {} -%}
    {%- for name in (project_vars.keys() | list) + (cli_vars.keys() | list) -%}
        {%- do all_vars.update({name: var(name)}) -%}
    {%- endfor -%}
{%- endif -%}
{%- set dbt_vars_json = tojson(all_vars, sort_keys=true) | replace("'", "''") -%}
{%- set started_at = run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') %}

with folder_files as (
    {{ folder_file_digests(raw_dir) }}
),

raw_files as (
    select
        file_name,
        size_bytes,
        sha256
    from folder_files
    where file_name != '{{ demo_marker }}'
),

marker_file_text as (
    {{ whole_file_text(raw_dir ~ '/' ~ demo_marker) }}
),

marker as (
    select cast(content as json) as marker_json
    from marker_file_text
),

marker_files as (
    select
        marker_file.key as file_name,
        json_extract_string(marker_file.value, '$') as sha256
    from marker
    {{ join_json_object_entries("marker.marker_json -> '$.files'", 'marker_file') }}
),

marker_check as (
    select
        count(*) as n_listed,
        count(raw_files.file_name) as n_unchanged
    from marker_files
    left join raw_files
        on
            marker_files.file_name = raw_files.file_name
            and marker_files.sha256 = raw_files.sha256
),

origin as (
    select
        coalesce(
            marker_check.n_listed > 0
            and marker_check.n_unchanged = marker_check.n_listed,
            false
        ) as is_synthetic
    from marker_check
),

demo as (
    select
        json_extract_string(marker_json, '$.generator') as demo_generator,
        json_extract_string(marker_json, '$.generator_version') as demo_generator_version,
        cast(json_extract(marker_json, '$.patients') as integer) as demo_patients,
        cast(json_extract(marker_json, '$.seed') as bigint) as demo_seed
    from marker
),

raw_file_list as (
    select
        coalesce(
            to_json(list(
                { 'file_name': file_name, 'size_bytes': size_bytes, 'sha256': sha256 }
                order by file_name
            )),
            cast('[]' as json)
        ) as raw_files
    from raw_files
),

pyproject_text as (
    {{ whole_file_text(project_dir ~ '/pyproject.toml') }}
),

pyproject as (
    select
        nullif(
            regexp_extract(content, '(?m)^version\s*=\s*"([^"]+)"', 1), ''
        ) as calcomics_version
    from pyproject_text
),

engine as (
    select engine_version as duckdb_version
    from ({{ engine_version() }}) as engine_versions
),

final as (
    select
        '{{ invocation_id }}' as build_id,
        case when origin.is_synthetic then 'synthetic' else 'real' end as data_origin,
        case when origin.is_synthetic then demo.demo_generator end as demo_generator,
        case
            when origin.is_synthetic then demo.demo_generator_version
        end as demo_generator_version,
        case when origin.is_synthetic then demo.demo_patients end as demo_patients,
        case when origin.is_synthetic then demo.demo_seed end as demo_seed,
        '{{ raw_dir }}' as raw_dir,
        raw_file_list.raw_files,
        -- The rendered JSON of every variable is one long literal.
        -- noqa: disable=LT05
        '{{ var("grouping", "calcification") }}' as grouping_name,
        nullif('{{ var("grouping_column", "") }}', '') as grouping_column,
        cast('{{ dbt_vars_json }}' as json) as dbt_vars,
        pyproject.calcomics_version,
        '{{ dbt_version }}' as dbt_version,
        engine.duckdb_version,
        nullif('{{ env_var("CALCOMICS_GIT_COMMIT", "") }}', '') as git_commit,
        cast('{{ started_at }}' as timestamp) as started_at,
        cast(null as timestamp) as finished_at
        -- noqa: enable=LT05
    from origin
    cross join raw_file_list
    cross join pyproject
    cross join engine
    left join demo on true
)

select * from final
