{% test row_count_equals(model, compare_model, compare_where=none, multiplier=1) %}
-- Fails when the model does not have exactly multiplier x as many rows as compare_model
-- (optionally only its rows matching compare_where, e.g. one row per RNA-seq sample).
with model_count as (
    select count(*) as n_model from {{ model }}
),

compare_count as (
    select count(*) * {{ multiplier }} as n_compare
    from {{ compare_model }}
    {% if compare_where %}where {{ compare_where }}{% endif %}
)

select
    model_count.n_model,
    compare_count.n_compare
from model_count
cross join compare_count
where model_count.n_model != compare_count.n_compare
{% endtest %}
