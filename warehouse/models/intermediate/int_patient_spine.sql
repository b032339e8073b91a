-- The patient spine every area reads: clinical fields, the patient's group in the active
-- grouping and which omics layers the patient has. Built from staging only (no fact), so a
-- failing test in one omics area never skips another area's marts.
with patients as (
    select * from {{ ref('stg_raw__patients') }}
),

patient_groups as (
    select * from {{ ref('int_patient_groups') }}
),

omics_availability as (
    select * from {{ ref('int_patient_omics_availability') }}
),

density_categories as (
    select * from {{ ref('breast_density_categories') }}
),

joined as (
    select
        patients.*,
        density_categories.breast_density_label,
        patient_groups.grouping_name,
        patient_groups.grouping_value,
        patient_groups.group_key,
        patient_groups.group_label,
        patient_groups.group_order,
        patient_groups.is_main_analysis_group,
        patient_groups.analysis_exclusion_reason,
        omics_availability.has_wes,
        omics_availability.has_copy_number,
        omics_availability.has_rnaseq,
        omics_availability.has_lipidomics,
        omics_availability.has_polar_metabolomics
    from patients
    inner join patient_groups
        on patients.patient_id = patient_groups.patient_id
    inner join omics_availability
        on patients.patient_id = omics_availability.patient_id
    left join density_categories
        on patients.breast_density_code = density_categories.density_code
)

select * from joined
