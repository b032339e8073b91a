{#-
    The normalisation half of the raw-data vocabulary. Each raw column may declare
    `meta: {normalise: <how>}` in _raw__sources.yml; the staging models read their raw
    columns through raw_column() and the raw_* generic tests judge the same normalised value,
    so a value the staging model would accept is exactly a value the tests accept.
    calcomics.warehouse.validation.vocabulary implements the same normalisations for `calcomics validate`.
-#}

{% macro normalise_raw_value(expression, how) -%}
    {%- if how is none or how == '' -%}
        {{ expression }}
    {%- elif how == 'trim' -%}
        trim({{ expression }})
    {%- elif how == 'lower' -%}
        lower(trim({{ expression }}))
    {%- elif how == 'upper' -%}
        upper(trim({{ expression }}))
    {%- elif how == 'birads' -%}
        case
            when lower(trim({{ expression }})) = 'none' then 'none'
            else upper(trim({{ expression }}))
        end
    {%- elif how == 'chromosome' -%}
        {{ normalise_chromosome(expression) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "unknown raw normalisation '" ~ how ~ "' for " ~ expression
            ~ " (known: trim, lower, upper, birads, chromosome)") }}
    {%- endif -%}
{%- endmacro %}


{% macro raw_column_normalisation(table_name, column_name) -%}
    {#- The `normalise` meta of raw source column table_name.column_name (none if unset). -#}
    {%- set found = namespace(how=none) -%}
    {%- if execute -%}
        {%- for node in graph.sources.values()
            if node.source_name == 'raw' and node.name == table_name -%}
            {%- for name, column in node.columns.items()
                if name | lower == column_name | lower -%}
                {%- set found.how = column.meta.get('normalise') -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(found.how) -}}
{%- endmacro %}


{% macro raw_column(table_name, column_name) -%}
    {#- A raw column as the vocabulary normalises it (for the stg_raw__* models). -#}
    {{- normalise_raw_value(column_name, raw_column_normalisation(table_name, column_name)) -}}
{%- endmacro %}


{% macro raw_literal(value) -%}
    {%- if value is number -%}{{ value }}{%- else -%}'{{ value | replace("'", "''") }}'{%- endif -%}
{%- endmacro %}
