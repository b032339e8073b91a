{% test row_count_between(model, min_value=none, max_value=none) %}
-- Fails when the row count lies outside [min_value, max_value].
with counted as (
    select count(*) as n_rows from {{ model }}
)

select n_rows
from counted
where
    false
    {% if min_value is not none %} or n_rows < {{ min_value }} {% endif %}
    {% if max_value is not none %} or n_rows > {{ max_value }} {% endif %}
{% endtest %}
