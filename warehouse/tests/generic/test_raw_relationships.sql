{% test raw_relationships(model, column_name, to, field) %}
-- Raw values with no match in `to`.`field`, both sides normalised as their `normalise` meta
-- in _raw__sources.yml says (a seed is compared as written); nulls are not judged.
{%- set child_how = raw_column_normalisation(model.identifier, column_name) %}
{%- set parent_how = raw_column_normalisation(to.identifier, field) %}
with child as (
    select {{ normalise_raw_value(column_name, child_how) }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),

parent as (
    select {{ normalise_raw_value(field, parent_how) }} as to_field
    from {{ to }}
)

select child.from_field as failing_value
from child
left join parent on child.from_field = parent.to_field
where parent.to_field is null
{% endtest %}
