{% macro matrix_sample_columns(relation, exclude_columns) -%}
    {#- The sample columns of a wide feature x sample relation (every column but
        exclude_columns), in the relation's column order; read from the warehouse catalog
        when the model runs (the raw tables are ingested before any model), [] when the
        relation does not exist yet (parse, a compile without a build). -#}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- set excluded = exclude_columns | map('lower') | list -%}
        {%- set found = run_query(
            "select column_name from information_schema.columns"
            ~ " where table_schema = '" ~ relation.schema ~ "'"
            ~ " and table_name = '" ~ relation.identifier ~ "'"
            ~ " order by ordinal_position") -%}
        {%- for name in found.columns[0].values() if name | lower not in excluded -%}
            {%- do names.append(name) -%}
        {%- endfor -%}
    {%- endif -%}
    {{- return(names) -}}
{%- endmacro %}
