{% test raw_annotated_as(model, column_name, to, field, column, value) %}
-- Values annotated in `to` (matched on `field`) whose `column` is not `value`, e.g. a feature
-- of lipidomics.tsv annotated with platform 'polar'. Both sides normalised as their
-- `normalise` meta in _raw__sources.yml says; values not annotated at all are left to the
-- relationships tests.
{%- set child_how = raw_column_normalisation(model.identifier, column_name) %}
{%- set key_how = raw_column_normalisation(to.identifier, field) %}
{%- set column_how = raw_column_normalisation(to.identifier, column) %}
with child as (
    select {{ normalise_raw_value(column_name, child_how) }} as child_value
    from {{ model }}
    where {{ column_name }} is not null
),

annotation as (
    select
        {{ normalise_raw_value(field, key_how) }} as annotated_value,
        {{ normalise_raw_value(column, column_how) }} as annotated_as
    from {{ to }}
)

select
    child.child_value as failing_value,
    annotation.annotated_as
from child
inner join annotation on child.child_value = annotation.annotated_value
where annotation.annotated_as is distinct from {{ raw_literal(value) }}
{% endtest %}
