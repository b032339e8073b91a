{% macro shrink_segments(relation, partition_columns, state_columns) -%}
    {#-
        scarHRD's shrink.seg.ai as a select: within each partition, runs of consecutive
        segments (by segment_order) with equal state are merged. A merged segment keeps its
        first segment's segment_order, start_position and allele_a_copy_number (scarHRD's c6),
        takes the largest end_position and the summed total_copy_number (c5); gaps between
        merged segments are ignored, as in scarHRD.
    -#}
    {%- set partition = partition_columns | join(', ') -%}
    select
        {{ partition }},
        min(segment_order) as segment_order,
        arg_min(start_position, segment_order) as start_position,
        max(end_position) as end_position,
        sum(total_copy_number) as total_copy_number,
        arg_min(allele_a_copy_number, segment_order) as allele_a_copy_number,
        {{ state_columns | join(', ') }}
    from (
        select
            *,
            sum(starts_run) over (
                partition by {{ partition }}
                order by segment_order
                rows between unbounded preceding and current row
            ) as run_number
        from (
            select
                *,
                case
                    when
                    {%- for column in state_columns %}
                        {% if not loop.first %}and {% endif -%}
                        lag({{ column }}) over (
                            partition by {{ partition }} order by segment_order
                        ) = {{ column }}
                    {%- endfor %}
                        then 0
                    else 1
                end as starts_run
            from {{ relation }}
        ) as run_starts
    ) as runs
    group by {{ partition }}, run_number, {{ state_columns | join(', ') }}
{%- endmacro %}
