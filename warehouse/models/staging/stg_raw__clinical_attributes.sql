-- Every clinical.csv column as (patient, column, value) text rows, so that any column can
-- define a grouping. Values are trimmed and empty cells are null; nothing is dropped.
with source as (
    select * from {{ source('raw', 'clinical_attributes') }}
),

unpivoted as (
    select
        trim(patient_id) as patient_id,
        lower(trim(clinical_column)) as clinical_column,
        nullif(trim(attribute_value), '') as attribute_value
    from source
    unpivot include nulls (
        attribute_value for clinical_column in (columns(* exclude (patient_id)))
    )
)

select * from unpivoted
