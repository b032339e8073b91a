-- dim_patients keeps every raw clinical row: none lost to an unmapped grouping value or
-- density code.
with raw_patients as (
    select patient_id from {{ ref('stg_raw__patients') }}
),

dim as (
    select patient_id from {{ ref('dim_patients') }}
)

select raw_patients.patient_id
from raw_patients
left join dim on raw_patients.patient_id = dim.patient_id
where dim.patient_id is null
