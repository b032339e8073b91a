{% macro unpivot_matrix(matrix_relation, id_column, value_column, keep_columns=[]) -%}
    {#- A wide feature x sample matrix as (id_column, sample_id, value_column) rows.
        `include nulls` keeps missing cells so tests can count them instead of the unpivot
        dropping them silently. keep_columns are carried along (e.g. the file row number).
        UNPIVOT needs at least one column, and an absent layer (header-only matrix, only the
        id column) has none: a placeholder sample column is added and its rows dropped. -#}
    select
        sample_id,
        trim({{ id_column }}) as {{ id_column }},
        {%- for column in keep_columns %}
        {{ column }},
        {%- endfor %}
        cast({{ value_column }} as double) as {{ value_column }}
    from (
        select
            *,
            cast(null as double) as __calcomics_no_sample__
        from {{ matrix_relation }}
    )
    unpivot include nulls (
        {{ value_column }} for sample_id in (
            columns(* exclude ({{ ([id_column] + keep_columns) | join(', ') }}))
        )
    )
    where sample_id <> '__calcomics_no_sample__'
{%- endmacro %}
