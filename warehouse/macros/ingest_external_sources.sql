{% macro ingest_external_sources() -%}
    {#- on-run-start of `dbt build` / `dbt run`: read every file-backed source (config
        external_location: the raw cohort files, the packaged reference tables) ONCE into a
        typed table <source schema>.<table> (`raw.clinical`, `reference.genes`, ...), before
        any model or test runs. source() renders those tables (relation_naming.sql), so the
        staging views, the source tests and everything downstream read them, and the built
        warehouse no longer needs the files. Other commands (`dbt test`, `dbt compile`,
        `dbt show`) read what the last build ingested. -#}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {#- One reader thread: a 10,000-sample matrix is one wide row group, and parallel
            CSV readers buffering 10,000-column chunks in file order need more than the
            memory_limit (measured: 2 threads fail at 6 GB, 1 thread peaks at 3.5 GB); the
            cost in CPU seconds is the same. -#}
        {%- do run_query('set threads = 1') -%}
        {#- Ingestion runs alone (before any model), so it may use more memory than the
            build's cap (profiles.yml): var ingest_memory_limit, then the cap again (as
            DuckDB prints it: rounded to 0.1 GiB). -#}
        {%- set build_memory_limit = run_query(
            "select current_setting('memory_limit')").columns[0].values()[0] -%}
        {%- do run_query("set memory_limit = '" ~ var('ingest_memory_limit') ~ "'") -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() | sort(attribute='unique_id')
            if node.config.get('external_location') -%}
            {%- if node.schema not in schemas -%}
                {%- do run_query('create schema if not exists ' ~ adapter.quote(node.schema)) -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
            {%- set relation = api.Relation.create(schema=node.schema,
                                                   identifier=node.identifier) -%}
            {%- do run_query('create or replace table ' ~ relation ~ ' as select * from '
                             ~ node.config.external_location) -%}
        {%- endfor -%}
        {%- do run_query('reset threads') -%}
        {%- do run_query("set memory_limit = '" ~ build_memory_limit ~ "'") -%}
    {%- endif -%}
    select 1 as ingested
{%- endmacro %}
