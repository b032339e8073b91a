{% test finite(model, column_name) %}
-- Rows whose value is null, NaN or infinite (scores must be real numbers).
select
    {{ column_name }} as failing_value,
    '{{ column_name }} must be finite' as rule_broken
from {{ model }}
where {{ column_name }} is null or not isfinite({{ column_name }})
{% endtest %}
