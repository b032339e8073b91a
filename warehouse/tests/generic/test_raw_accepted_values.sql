{% test raw_accepted_values(model, column_name, values) %}
-- Raw values not in `values` once normalised as the column's `normalise` meta in
-- _raw__sources.yml says (the normalisation its staging model applies); nulls are not judged.
{%- set how = raw_column_normalisation(model.identifier, column_name) %}
with normalised as (
    select {{ normalise_raw_value(column_name, how) }} as value_field
    from {{ model }}
)

select
    value_field as failing_value,
    count(*) as n_records
from normalised
where
    value_field is not null
    and value_field not in (
        {%- for value in values %}{{ raw_literal(value) }}{{ ", " if not loop.last }}{% endfor -%}
    )
group by value_field
{% endtest %}
