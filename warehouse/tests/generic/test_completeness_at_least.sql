{% test completeness_at_least(model, column_name, min_fraction) %}
-- Fails when fewer than min_fraction of the rows have a value (OHDSI-style completeness).
with counted as (
    select
        count(*) as n_rows,
        count({{ column_name }}) as n_present
    from {{ model }}
)

select
    n_rows,
    n_present,
    n_present / nullif(n_rows, 0) as fraction_present
from counted
where n_rows > 0 and n_present / n_rows < {{ min_fraction }}
{% endtest %}
