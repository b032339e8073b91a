{% test row_count_equals(model, compare_model) %}
-- Fails when the model does not have exactly as many rows as compare_model.
with model_count as (
    select count(*) as n_model from {{ model }}
),

compare_count as (
    select count(*) as n_compare from {{ compare_model }}
)

select
    model_count.n_model,
    compare_count.n_compare
from model_count
cross join compare_count
where model_count.n_model != compare_count.n_compare
{% endtest %}
