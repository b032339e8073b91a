{% macro unpivot_matrix(matrix_relation, id_column, value_column, keep_columns=[],
                        sample_columns=[], row_order_column=none, columns_per_group=500) -%}
    {#- A wide feature x sample matrix as (id_column, sample_id, value_column) rows.
        `include nulls` keeps missing cells so tests can count them instead of the unpivot
        dropping them silently. keep_columns are carried along (e.g. the file row number).
        UNPIVOT needs at least one column, and an absent layer (header-only matrix, only the
        id column) has none: a placeholder sample column is added and its rows dropped.
        Every sample column is cast to double before the unpivot (which refuses mixed types):
        the CSV sniffer types a column that is empty in its sample rows VARCHAR.

        With sample_columns (matrix_sample_columns: the names, known when the model runs),
        matrix_relation must be the ingested table itself: it is unpivoted columns_per_group
        sample columns at a time (union all), each group scanning only its own columns. One
        scan of 10,000 columns moves 2,048-row vectors of 160 MB, past the CPU caches, and
        the cost per cell grew with the width (expression matrix, 2,000 -> 10,000 samples:
        7.4 s -> 1.9 s for the null test at 10,000, exponent 1.25 -> 0.96). row_order_column
        names the table row's number (rowid + 1: the file's row order, the table being written
        once, in file order, by ingest_external_sources). -#}
    {%- set order_expression = 'rowid + 1 as ' ~ row_order_column if row_order_column else none -%}
    {%- set carried = ([order_expression] if order_expression else []) + keep_columns -%}
    {%- set carried_names = ([row_order_column] if row_order_column else []) + keep_columns -%}
    {%- if sample_columns | length > 0 -%}
        {%- for group in sample_columns | batch(columns_per_group) %}
    {% if not loop.first %}union all
    {% endif -%}
    select
        sample_id,
        trim({{ id_column }}) as {{ id_column }},
        {%- for column in carried_names %}
        {{ column }},
        {%- endfor %}
        cast({{ value_column }} as double) as {{ value_column }}
    from (
        select
            {{ ([id_column] + carried) | join(', ') }}
            {%- for sample in group %},
            cast({{ adapter.quote(sample) }} as double) as {{ adapter.quote(sample) }}
            {%- endfor %}
        from {{ matrix_relation }}
    )
    unpivot include nulls (
        {{ value_column }} for sample_id in (
            {%- for sample in group %}
            {{ adapter.quote(sample) }}{{ ',' if not loop.last }}
            {%- endfor %}
        )
    )
        {%- endfor %}
    {%- else -%}
    select
        sample_id,
        trim({{ id_column }}) as {{ id_column }},
        {%- for column in carried_names %}
        {{ column }},
        {%- endfor %}
        cast({{ value_column }} as double) as {{ value_column }}
    from (
        select
            {{ ([id_column] + carried) | join(', ') }},
            cast(columns(* exclude ({{ ([id_column] + keep_columns) | join(', ') }})) as double),
            cast(null as double) as __calcomics_no_sample__
        from {{ matrix_relation }}
    )
    unpivot include nulls (
        {{ value_column }} for sample_id in (
            columns(* exclude ({{ ([id_column] + carried_names) | join(', ') }}))
        )
    )
    where sample_id <> '__calcomics_no_sample__'
    {%- endif %}
{%- endmacro %}
