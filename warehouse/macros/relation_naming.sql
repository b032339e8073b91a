{#-
    Where relations live and how models name them (README, "Where the relations live").

    Schemas by layer: seeds in `lookup`, staging models in `staging`, intermediate models
    (SQL and Python) in `intermediate`, marts (dim_, fct_, rpt_, meta_build) in the default
    schema `main`, which DuckDB and BI tools open first. The raw files are ingested into
    `raw` and the packaged reference tables into `reference` (macro ingest_external_sources).

    ref() and source() render relations without the database (catalog) name: DuckDB names
    the catalog after the file (`warehouse` for warehouse.duckdb), so a compiled query that
    named it would fail on a copy of the warehouse under another file name (analyses/).
-#}

{% macro generate_schema_name(custom_schema_name, node) -%}
    {#- The folder's +schema exactly (`staging`, not dbt's default `main_staging`); nodes
        without one go to the target schema (`main`). -#}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}


{% macro ref() -%}
    {#- builtins.ref without the catalog: "main"."fct_x", "intermediate"."int_y". -#}
    {%- set version = kwargs.get('version') or kwargs.get('v') -%}
    {%- if varargs | length == 1 -%}
        {%- set relation = builtins.ref(varargs[0], version=version) -%}
    {%- else -%}
        {%- set relation = builtins.ref(varargs[0], varargs[1], version=version) -%}
    {%- endif -%}
    {{- return(relation.include(database=false)) -}}
{%- endmacro %}


{% macro source(source_name, table_name) -%}
    {#- A source read from a file (config external_location) is the table the build
        ingested it into, <source schema>.<table> (schema `raw` / `reference`), never the
        file itself: models and source tests read the ingested table, so the warehouse does
        not depend on the raw folder and no test re-parses a file. Other sources: as dbt
        renders them, without the catalog. -#}
    {%- set relation = builtins.source(source_name, table_name) -%}
    {%- if relation.external -%}
        {{- return(api.Relation.create(schema=relation.schema, identifier=relation.identifier,
                                       type='table')) -}}
    {%- endif -%}
    {{- return(relation.include(database=false)) -}}
{%- endmacro %}
