{% test values_between(model, column_name, min_value=none, max_value=none) %}
-- Rows whose value lies outside [min_value, max_value]; nulls are not judged here.
select
    {{ column_name }} as failing_value,
    '{{ column_name }} outside [{{ min_value }}, {{ max_value }}]' as rule_broken
from {{ model }}
where
    {{ column_name }} is not null
    and (
        false
        {% if min_value is not none %} or {{ column_name }} < {{ min_value }} {% endif %}
        {% if max_value is not none %} or {{ column_name }} > {{ max_value }} {% endif %}
    )
{% endtest %}
