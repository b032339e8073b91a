{% macro unpivot_matrix(matrix_relation, id_column, value_column, keep_columns=[]) -%}
    {#- A wide feature x sample matrix as (id_column, sample_id, value_column) rows.
        `include nulls` keeps missing cells so tests can count them instead of the unpivot
        dropping them silently. keep_columns are carried along (e.g. the file row number). -#}
    select
        sample_id,
        trim({{ id_column }}) as {{ id_column }},
        {%- for column in keep_columns %}
        {{ column }},
        {%- endfor %}
        cast({{ value_column }} as double) as {{ value_column }}
    from {{ matrix_relation }}
    unpivot include nulls (
        {{ value_column }} for sample_id in (
            columns(* exclude ({{ ([id_column] + keep_columns) | join(', ') }}))
        )
    )
{%- endmacro %}
