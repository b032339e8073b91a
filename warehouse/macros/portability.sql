{#- DuckDB-only SQL, each piece behind one macro with its Spark SQL counterpart (dbt's
    adapter.dispatch picks spark__ on dbt-spark / dbt-databricks). Models never call these
    functions directly: tests/test_portability.py transpiles every compiled model to Spark
    SQL and allows no other DuckDB-only function; docs/SCALING.md lists the counterparts.
    The spark__ versions are written to Spark 3.4 SQL but not run here (no Spark in CI). -#}

{#- Elements of a list with their 1-based position, as two select-list columns. -#}
{% macro list_elements_with_position(list_expression, value_name, position_name) -%}
    {{ return(adapter.dispatch('list_elements_with_position', 'calcomics')(
        list_expression, value_name, position_name)) }}
{%- endmacro %}

{% macro default__list_elements_with_position(list_expression, value_name, position_name) -%}
unnest({{ list_expression }}) as {{ value_name }},
generate_subscripts({{ list_expression }}, 1) as {{ position_name }}
{%- endmacro %}

{% macro spark__list_elements_with_position(list_expression, value_name, position_name) -%}
inline(transform({{ list_expression }}, (element, position) -> named_struct(
    '{{ value_name }}', element, '{{ position_name }}', position + 1
)))
{%- endmacro %}

{#- A select of the files in a folder: file_name, size_bytes, sha256 (hex). -#}
{% macro folder_file_digests(folder) -%}
    {{ return(adapter.dispatch('folder_file_digests', 'calcomics')(folder)) }}
{%- endmacro %}

{% macro default__folder_file_digests(folder) -%}
select
    parse_filename(filename) as file_name,
    size as size_bytes,
    sha256(content) as sha256
from read_blob('{{ folder }}/*')
{%- endmacro %}

{% macro spark__folder_file_digests(folder) -%}
select
    regexp_extract(path, '([^/]+)$', 1) as file_name,
    length as size_bytes,
    sha2(content, 256) as sha256
from binaryfile.`{{ folder }}`
{%- endmacro %}

{#- A select of one column `content`: the whole text of one file (one row, none if the file
    does not exist on DuckDB; Spark fails on a missing path). -#}
{% macro whole_file_text(path) -%}
    {{ return(adapter.dispatch('whole_file_text', 'calcomics')(path)) }}
{%- endmacro %}

{% macro default__whole_file_text(path) -%}
select content from read_text('{{ path }}')
{%- endmacro %}

{% macro spark__whole_file_text(path) -%}
select concat_ws(char(10), collect_list(value)) as content from text.`{{ path }}`
{%- endmacro %}

{#- A FROM-clause item joining one row per key of a JSON object column: `alias`.key,
    `alias`.value (the value as JSON). -#}
{% macro join_json_object_entries(json_expression, alias) -%}
    {{ return(adapter.dispatch('join_json_object_entries', 'calcomics')(json_expression, alias)) }}
{%- endmacro %}

{% macro default__join_json_object_entries(json_expression, alias) -%}
cross join json_each({{ json_expression }}) as {{ alias }}
{%- endmacro %}

{% macro spark__join_json_object_entries(json_expression, alias) -%}
lateral view explode(from_json({{ json_expression }}, 'map<string, string>')) {{ alias }} as key, value
{%- endmacro %}

{#- A select of one column `engine_version`: the SQL engine's version. -#}
{% macro engine_version() -%}
    {{ return(adapter.dispatch('engine_version', 'calcomics')()) }}
{%- endmacro %}

{% macro default__engine_version() -%}
select library_version as engine_version from pragma_version()
{%- endmacro %}

{% macro spark__engine_version() -%}
select version() as engine_version
{%- endmacro %}

{#- An exact sum: each term rounded to 1e-18 (decimal(38, 18)) and added in integer
    arithmetic, so the result is the same bits on every build whatever the order of
    addition (DuckDB's parallel float sum adds in thread order), in one streaming pass (an
    ordered sum buffers and sorts every group's rows). Standard SQL: DuckDB and Spark alike.
    The total must stay below 1e20 (an overflow is an error, not a wrong number). -#}
{% macro exact_sum(expression) -%}
cast(sum(cast({{ expression }} as decimal(38, 18))) as double)
{%- endmacro %}
