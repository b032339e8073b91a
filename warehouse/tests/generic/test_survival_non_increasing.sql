{% test survival_non_increasing(model, group_column, time_column, survival_column) %}
-- Rows where a survival curve rises over time within its group (a Kaplan-Meier estimate
-- never does), or does not start at 1 at its first time.
with ordered as (
    select
        {{ group_column }} as curve_group,
        {{ time_column }} as curve_time,
        {{ survival_column }} as curve_survival,
        lag({{ survival_column }}) over (
            partition by {{ group_column }} order by {{ time_column }}
        ) as previous_survival,
        row_number() over (
            partition by {{ group_column }} order by {{ time_column }}
        ) as position_in_curve
    from {{ model }}
)

select
    curve_group,
    curve_time,
    curve_survival,
    previous_survival
from ordered
where
    curve_survival > previous_survival + 1e-12
    or (position_in_curve = 1 and abs(curve_survival - 1) > 1e-12)
{% endtest %}
