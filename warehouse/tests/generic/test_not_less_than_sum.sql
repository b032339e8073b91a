{% test not_less_than_sum(model, column_name, columns) %}
-- Rows whose value is below the sum of `columns` of the same row (e.g. a total copy number
-- below A_cn + B_cn); rows where any of them is null are not judged.
select
    {{ column_name }} as failing_value,
    {{ columns | join(' + ') }} as sum_value
from {{ model }}
where {{ column_name }} < {{ columns | join(' + ') }}
{% endtest %}
