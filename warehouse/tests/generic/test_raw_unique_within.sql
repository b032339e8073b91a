{% test raw_unique_within(model, column_name, columns) %}
-- Rows sharing the value of column_name with another row of the same `columns` group, all
-- normalised as their `normalise` meta in _raw__sources.yml says (e.g. a segment start that
-- repeats within one sample and chromosome, '1' and 'chr1' being the same chromosome).
{%- set all_columns = columns + [column_name] %}
with normalised as (
    select
        {%- for column in all_columns %}
        {{ normalise_raw_value(column, raw_column_normalisation(model.identifier, column)) }}
        as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}
)

select
    {{ all_columns | join(', ') }},
    count(*) as n_records
from normalised
group by {{ all_columns | join(', ') }}
having count(*) > 1
{% endtest %}
