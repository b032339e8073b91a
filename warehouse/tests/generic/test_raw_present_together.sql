{% test raw_present_together(model, column_name, other_column) %}
-- Rows where exactly one of column_name and `other_column` is given (e.g. an RFS event
-- without its follow-up time, or a time without its event): both or neither.
select
    {{ column_name }} as failing_value,
    {{ other_column }} as other_value
from {{ model }}
where ({{ column_name }} is null) <> ({{ other_column }} is null)
{% endtest %}
