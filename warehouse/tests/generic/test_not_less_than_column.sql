{% test not_less_than_column(model, column_name, other_column) %}
-- Rows whose value is below `other_column` of the same row (e.g. an end before its start);
-- rows where either is null are not judged.
select
    {{ column_name }} as failing_value,
    {{ other_column }} as other_value
from {{ model }}
where {{ column_name }} < {{ other_column }}
{% endtest %}
